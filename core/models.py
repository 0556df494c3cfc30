"""Imports every model module so that ``Base.metadata`` is complete (for Alembic and the tests)."""

from core.accounts.models import ApiToken, Membership, User
from core.checklists.models import ChecklistVersion
from core.cycles.models import Cycle, CycleTransition
from core.db import Base
from core.distribution.models import DistributionList, DistributionRecipient
from core.jobs.models import Job
from core.organisation.models import Area, Group, GroupMember, GroupOrganisation, Organisation, ReporterFunction
from core.reports.models import Report, ReportImport
from core.tenants.models import Tenant

__all__ = [
    "ApiToken",
    "Area",
    "Base",
    "ChecklistVersion",
    "Cycle",
    "CycleTransition",
    "DistributionList",
    "DistributionRecipient",
    "Group",
    "GroupMember",
    "GroupOrganisation",
    "Job",
    "Membership",
    "Organisation",
    "Report",
    "ReportImport",
    "ReporterFunction",
    "Tenant",
    "User",
]
