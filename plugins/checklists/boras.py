"""Borås's checklist (Hallin, *Att arbeta brottsförebyggande med EST*, Brå 2019, p. 24).

Borås covers more areas than Örebro and includes more about the living environment (boendemiljön): sixteen
reporting points (inrapporteringspunkter) in one section answered by every leg, filled in through a
digital form by each party before the fortnightly meeting (p. 16, 26). The source gives no explanations,
so ``help`` is empty.

Theme mapping principle (shared by the built-in checklists): drugs → narkotika; violence, threats, shootings,
explosions, robbery and attacks on staff → våld; vandalism, graffiti, arson and burglary/theft (property
crime) → skadegörelse; criminal networks influencing the area and violent extremism → otillåten påverkan;
youth gathering places and trapphäng → samlingsplatser; mixed categories, unrest, rumours and anything
else → andra avvikelser. Items about events that increase safety are ``positive=True`` with no theme.
"""

from core.plugin_api import ChecklistItem, ChecklistSection, ChecklistVariant, Theme, hookimpl

VARIANT = ChecklistVariant(
    key="boras",
    name="Borås",
    description="Borås täcker upp fler områden än Örebro och inkluderar fler uppgifter om boendemiljön.",
    sections=(
        ChecklistSection(
            key="inrapporteringspunkter",
            title="Inrapporteringspunkter",
            answered_by=None,
            items=(
                ChecklistItem(key="inbrott_stolder", text="Inbrott/inbrottsförsök, stölder", theme=Theme.SKADEGORELSE),
                ChecklistItem(key="klotter_skadegorelse", text="Klotter, skadegörelse", theme=Theme.SKADEGORELSE),
                ChecklistItem(key="anlagd_brand", text="Anlagd brand", theme=Theme.SKADEGORELSE),
                ChecklistItem(key="skottlossning_sprangningar", text="Skottlossning/sprängningar", theme=Theme.VALD),
                ChecklistItem(key="drogforsaljning", text="Drogförsäljning/hantering", theme=Theme.NARKOTIKA),
                ChecklistItem(
                    key="kriminella_natverk",
                    text="Kriminella nätverk påverkar boendemiljön",
                    theme=Theme.OTILLATEN_PAVERKAN,
                ),
                ChecklistItem(key="angrepp_medarbetare", text="Angrepp/hot på medarbetare", theme=Theme.VALD),
                ChecklistItem(
                    key="trapphang",
                    text="Trapphäng som påverkar de boende negativt",
                    theme=Theme.SAMLINGSPLATSER,
                ),
                ChecklistItem(
                    key="oro_konflikter_stok", text="Oro, konflikter eller stök", theme=Theme.ANDRA_AVVIKELSER
                ),
                ChecklistItem(
                    key="extremism",
                    text="Tecken på våldsbejakande extremism",
                    theme=Theme.OTILLATEN_PAVERKAN,
                ),
                ChecklistItem(
                    key="bolaget_atgarder_missnoje",
                    text="Bolaget har genomfört åtgärder som kan leda till missnöjesyttringar",
                    theme=Theme.ANDRA_AVVIKELSER,
                ),
                ChecklistItem(
                    key="social_oro_omvarld",
                    text=(
                        "Det finns social oro i andra delar av kommunen, Sverige eller internationellt "
                        "som kan påverka området"
                    ),
                    theme=Theme.ANDRA_AVVIKELSER,
                ),
                ChecklistItem(
                    key="problematiska_handelser",
                    text="Händelser som fastighetsägare eller boende upplever som problematiska",
                    theme=Theme.ANDRA_AVVIKELSER,
                ),
                ChecklistItem(
                    key="positiva",
                    text="Händelser eller åtgärder som motverkar brott och ökar tryggheten",
                    positive=True,
                ),
                ChecklistItem(
                    key="annan_brottsutveckling",
                    text="Annan relevant information kring brottsutveckling",
                    theme=Theme.ANDRA_AVVIKELSER,
                ),
                ChecklistItem(key="ovrigt", text="Övrigt", theme=Theme.ANDRA_AVVIKELSER),
            ),
        ),
    ),
)


@hookimpl
def est_register_checklists() -> list[ChecklistVariant]:
    """Register Borås's checklist variant."""
    return [VARIANT]
