"""Örebro's checklist (Hallin, *Att arbeta brottsförebyggande med EST*, Brå 2019, p. 23-24).

Örebro's checklist, where EST in its current form was developed, focuses on the public environment and is
tied to research on safety and situational prevention (disorder/incivilities, signal crimes). It has one
section of eight indicators answered by every leg; the police also report selected information of their own.
The same indicators are built into the digital tool EMBRACE. The Swedish explanation of each indicator is
quoted verbatim from the source (which takes it from the EST handbook, version 1.0, 2016) in ``help``.

Theme mapping principle (shared by the built-in checklists): drugs → narkotika; violence, threats, shootings,
explosions, robbery and attacks on staff → våld; vandalism, graffiti, arson and burglary/theft (property
crime) → skadegörelse; criminal networks influencing the area and violent extremism → otillåten påverkan;
youth gathering places and trapphäng → samlingsplatser; mixed categories, unrest, rumours and anything
else → andra avvikelser. Items about events that increase safety are ``positive=True`` with no theme.
"""

from core.plugin_api import ChecklistItem, ChecklistSection, ChecklistVariant, Theme, hookimpl

VARIANT = ChecklistVariant(
    key="orebro",
    name="Örebro",
    description=(
        "Örebros checklista fokuserar på den offentliga miljön och har en tydlig anknytning till forskning "
        "som betonar trygghet och situationell prevention."
    ),
    sections=(
        ChecklistSection(
            key="omrade",
            title="Händelser i området",
            answered_by=None,
            items=(
                ChecklistItem(
                    key="skadegorelse",
                    text="Skadegörelse",
                    theme=Theme.SKADEGORELSE,
                    help=(
                        "Skadegörelse innefattar exempelvis krossade glasrutor på byggnader eller bilar, "
                        "nedskräpning samt klotter."
                    ),
                ),
                ChecklistItem(
                    key="brand",
                    text="Brand",
                    theme=Theme.SKADEGORELSE,
                    help=(
                        "Brand innefattar förmodat anlagda bränder, både mindre (som i papperskorgar) och "
                        "större (som bilbränder)."
                    ),
                ),
                ChecklistItem(
                    key="incident_anstalld",
                    text="Incident mot anställd",
                    theme=Theme.VALD,
                    help=(
                        "Den här kategorin innefattar exempelvis att anställd hindrats från att göra sitt "
                        "jobb eller hotats/provocerats i tjänst."
                    ),
                ),
                # Arrangemang may disturb or increase safety, so it is neither a plain problem nor plainly
                # positive; it is about people gathering at a place, hence samlingsplatser.
                ChecklistItem(
                    key="arrangemang",
                    text="Arrangemang",
                    theme=Theme.SAMLINGSPLATSER,
                    help=(
                        "Med arrangemang menas sammankomst som omgivningen kan störas/känna otrygghet till "
                        "följd av, men även sammankomster som kan öka den upplevda tryggheten på en plats "
                        "eller ett specifikt område. Exempel på arrangemang att rapportera in: "
                        "Ungdomsfester, idrottsevenemang, konserter, områdesarrangemang."
                    ),
                ),
                ChecklistItem(
                    key="samlingsplats_ungdomar",
                    text="Samlingsplats för ungdomar",
                    theme=Theme.SAMLINGSPLATSER,
                    help=(
                        "Med samlingsplats för ungdomar menas offentliga platser där ungdomar samlas som kan "
                        "upplevas som störande/hotande/otrygghetsskapande."
                    ),
                ),
                ChecklistItem(
                    key="annat_otrygghetsskapande",
                    text="Annat otrygghetsskapande/ordningsstörande",
                    theme=Theme.ANDRA_AVVIKELSER,
                    help=(
                        "I den här kategorin kan exempelvis våld, bråk, förekomst av narkotika eller andra "
                        "illegala droger, inbrott, olovlig trafik och andra ordningsstörande händelser "
                        "tas upp."
                    ),
                ),
                ChecklistItem(
                    key="otrygg_plats",
                    text="Otrygg plats",
                    theme=Theme.ANDRA_AVVIKELSER,
                    help=(
                        "Med otrygg plats menas exempelvis platser som kan upplevas som otrygga på grund av "
                        "utformning, belysning och dylikt."
                    ),
                ),
                ChecklistItem(
                    key="ovrigt",
                    text="Övrigt",
                    theme=Theme.ANDRA_AVVIKELSER,
                    help=(
                        "Här kan annat kopplat till otrygghet och social oro, t.ex. ryktesspridning på "
                        "sociala medier, allmän känsla av otrygghet i området, tas upp."
                    ),
                ),
            ),
        ),
    ),
)


@hookimpl
def est_register_checklists() -> list[ChecklistVariant]:
    """Register Örebro's checklist variant."""
    return [VARIANT]
