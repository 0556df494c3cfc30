"""Imports every model module so that ``Base.metadata`` is complete (for Alembic and the tests)."""

from core.accounts.models import ApiToken, Invitation, Membership, User
from core.checklists.models import ChecklistVersion
from core.cycles.models import Cycle, Meeting
from core.db import Base
from core.distribution.models import DistributionChange, DistributionList, DistributionRecipient
from core.jobs.models import Job
from core.lagesbild.models import AreaAssessment, Lagesbild
from core.notifications.models import Notification, OutboxMessage
from core.organisation.models import Area, Group, GroupMember, GroupOrganisation, Organisation, ReporterFunction
from core.proposals.models import Proposal
from core.publication.models import PublicationFile, ReporterOptOut
from core.reports.models import IdempotencyKey, Report, ReportImport
from core.tenants.models import Tenant
from core.workflow.log import Transition

__all__ = [
    "ApiToken",
    "Area",
    "AreaAssessment",
    "Base",
    "ChecklistVersion",
    "Cycle",
    "DistributionChange",
    "DistributionList",
    "DistributionRecipient",
    "Group",
    "GroupMember",
    "GroupOrganisation",
    "IdempotencyKey",
    "Invitation",
    "Job",
    "Lagesbild",
    "Meeting",
    "Membership",
    "Notification",
    "Organisation",
    "OutboxMessage",
    "Proposal",
    "PublicationFile",
    "Report",
    "ReportImport",
    "ReporterFunction",
    "ReporterOptOut",
    "Tenant",
    "Transition",
    "User",
]
