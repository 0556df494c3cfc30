"""Malmö's checklist (Hallin, *Att arbeta brottsförebyggande med EST*, Brå 2019, p. 24-26).

Malmö divides its checklist clearly by party (figure 7.1): the police report the week's crime development,
the housing company reports on residential areas, and the municipality reports on schools and youth centres
and on the municipality/district and the wider world. The crime-development items can be linked to police
crime codes and to the questions in the police method support for assessing local organised crime; the
source names no codes, so ``crime_code`` stays ``None``. Malmö also records actions taken or planned. The
source gives no explanations, so ``help`` is empty.

Theme mapping principle (shared by the built-in checklists): drugs → narkotika; violence, threats, shootings,
explosions, robbery and attacks on staff → våld; vandalism, graffiti, arson and burglary/theft (property
crime) → skadegörelse; criminal networks influencing the area and violent extremism → otillåten påverkan;
youth gathering places and trapphäng → samlingsplatser; mixed categories, unrest, rumours and anything
else → andra avvikelser. Items about events that increase safety are ``positive=True`` with no theme.
"""

from core.plugin_api import ChecklistItem, ChecklistSection, ChecklistVariant, Leg, Theme, hookimpl

BROTTSUTVECKLING = ChecklistSection(
    key="brottsutveckling",
    title="Brottsutveckling under veckan",
    answered_by=Leg.POLIS,
    items=(
        ChecklistItem(
            key="inbrott_bostad",
            text="Inbrott/inbrottsförsök i bostad och biutrymmen",
            theme=Theme.SKADEGORELSE,
        ),
        ChecklistItem(key="klotter_skadegorelse", text="Klotter, skadegörelse", theme=Theme.SKADEGORELSE),
        ChecklistItem(key="anlagd_brand", text="Anlagd brand", theme=Theme.SKADEGORELSE),
        ChecklistItem(key="hot_vald_offentlig_miljo", text="Hot och våld i offentlig miljö", theme=Theme.VALD),
        ChecklistItem(key="skjutningar", text="Skjutningar", theme=Theme.VALD),
        ChecklistItem(key="sprangningar", text="Sprängningar", theme=Theme.VALD),
        ChecklistItem(
            key="drogforsaljning_naromrade",
            text="Öppen drogförsäljning i närområdet (anslutning till bostad)",
            theme=Theme.NARKOTIKA,
        ),
        ChecklistItem(
            key="drogforsaljning_torg",
            text="Öppen drogförsäljning i anslutning till torg och kommunikationsplatser",
            theme=Theme.NARKOTIKA,
        ),
        ChecklistItem(
            key="ungdomsgang_kriminella",
            text="Ungdomsgäng, kriminella påverkar boendemiljön",
            theme=Theme.OTILLATEN_PAVERKAN,
        ),
        ChecklistItem(key="personran", text="Personrån", theme=Theme.VALD),
        ChecklistItem(key="angrepp_polis", text="Angrepp på polis eller polisfordon", theme=Theme.VALD),
        ChecklistItem(key="angrepp_raddningstjanst", text="Angrepp på räddningstjänst", theme=Theme.VALD),
        ChecklistItem(key="angrepp_kommunala_foretradare", text="Angrepp på kommunala företrädare", theme=Theme.VALD),
        ChecklistItem(
            key="polisinsatser_motreaktioner",
            text="Polisen har gjort insatser som kan leda till motreaktioner och social oro",
            theme=Theme.ANDRA_AVVIKELSER,
        ),
        # A network phenomenon rather than a single violent act (shootings/explosions are separate items).
        ChecklistItem(
            key="konflikter_natverk",
            text="Konflikter mellan kriminella nätverk",
            theme=Theme.OTILLATEN_PAVERKAN,
        ),
        ChecklistItem(
            key="handelser_andra_delar",
            text="Det har inträffat händelser i andra delar av Malmö som kan påverka området negativt",
            theme=Theme.ANDRA_AVVIKELSER,
        ),
        ChecklistItem(
            key="annan_brottsutveckling",
            text="Annan relevant information kring brottsutveckling",
            theme=Theme.ANDRA_AVVIKELSER,
        ),
        ChecklistItem(
            key="brott_positiva",
            text="Positiva händelser som motverkar brott och ökar tryggheten",
            positive=True,
        ),
    ),
)

BOSTADSOMRADEN = ChecklistSection(
    key="bostadsomraden",
    title="Bostadsområden",
    answered_by=Leg.FASTIGHETSFORETAG,
    items=(
        ChecklistItem(
            key="trapphang",
            text="Trapphäng som påverkar de boende negativt",
            theme=Theme.SAMLINGSPLATSER,
        ),
        ChecklistItem(
            key="bostad_klotter_skadegorelse",
            text="Klotter och skadegörelse kopplat till fastigheter och bostadsområde",
            theme=Theme.SKADEGORELSE,
        ),
        ChecklistItem(
            key="bostad_problematiska",
            text="Händelser som fastighetsägare, boende eller näringsidkare upplever som problematiska",
            theme=Theme.ANDRA_AVVIKELSER,
        ),
        ChecklistItem(key="bostad_positiva", text="Positiva händelser som ökar tryggheten", positive=True),
    ),
)

SKOLOR_FRITIDSGARDAR = ChecklistSection(
    key="skolor_fritidsgardar",
    title="Skolor och fritidsgårdar",
    answered_by=Leg.KOMMUN,
    items=(
        # Mixed unrest item; mapped like Borås's "Oro, konflikter eller stök".
        ChecklistItem(
            key="skola_oro_stok",
            text="Oro, konflikter, stök eller skadegörelse på skola eller fritidsgård",
            theme=Theme.ANDRA_AVVIKELSER,
        ),
        ChecklistItem(key="skola_inbrott", text="Inbrott på skola eller fritidsgård", theme=Theme.SKADEGORELSE),
        ChecklistItem(key="skola_brand", text="Anlagd brand på skola eller fritidsgård", theme=Theme.SKADEGORELSE),
        ChecklistItem(
            key="skola_droger",
            text="Drogförsäljning och droganvändning på eller i anslutning till skolor och fritidsgårdar",
            theme=Theme.NARKOTIKA,
        ),
        ChecklistItem(
            key="skola_samlas_skolgard",
            text="Ungdomar som upplevs som störande samlas på skolgårdar efter skoltid",
            theme=Theme.SAMLINGSPLATSER,
        ),
        ChecklistItem(
            key="skola_extremism",
            text="Tecken på våldsbejakande extremism",
            theme=Theme.OTILLATEN_PAVERKAN,
        ),
        ChecklistItem(key="skola_positiva", text="Positiva händelser som ökar tryggheten", positive=True),
    ),
)

KOMMUNEN_OMVARLDEN = ChecklistSection(
    key="kommunen_omvarlden",
    title="Kommunen/stadsdelen och omvärlden",
    answered_by=Leg.KOMMUN,
    items=(
        ChecklistItem(
            key="kommun_atgarder_missnoje",
            text="Kommunen/stadsdelen har genomfört åtgärder som kan leda till missnöjesyttringar",
            theme=Theme.ANDRA_AVVIKELSER,
        ),
        ChecklistItem(
            key="kommun_social_oro_omvarld",
            text=(
                "Det finns händelser eller social oro i andra delar av kommunen, Sverige eller "
                "internationellt som kan påverka området"
            ),
            theme=Theme.ANDRA_AVVIKELSER,
        ),
    ),
)

VARIANT = ChecklistVariant(
    key="malmo",
    name="Malmö",
    description=(
        "I Malmö finns det en tydlig uppdelning mellan vad polis respektive kommun och fastighetsföretag "
        "skall rapportera in. Punkterna under brottsutveckling går att koppla till olika brottskoder, "
        "samt till de frågor som finns i polisens metodstöd för att bedöma lokal organiserad brottslighet."
    ),
    sections=(BROTTSUTVECKLING, BOSTADSOMRADEN, SKOLOR_FRITIDSGARDAR, KOMMUNEN_OMVARLDEN),
)


@hookimpl
def est_register_checklists() -> list[ChecklistVariant]:
    """Register Malmö's checklist variant."""
    return [VARIANT]
