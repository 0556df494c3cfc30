"""The pages' language: Swedish by default, English by a switch remembered in a cookie.

Templates write their texts as ``{{ _("English msgid") }}``. Until the Babel catalogues exist, ``gettext`` below
looks the Swedish text up in ``SWEDISH`` (the one place the pages' Swedish lives) and returns the msgid itself in
English; where an app already has a ``_`` (Flask-Babel), that one is used. The tenant's own content (checklist,
areas, functions) is Swedish whatever the page's language, and marked so (``content_lang``).
"""

from __future__ import annotations

from flask import Flask, current_app, request
from markupsafe import Markup

LANGUAGES = ("sv", "en")
COOKIE = "est_lang"
REMEMBERED_FOR = 365 * 24 * 3600
CONTENT_LANGUAGE = "sv"  # the language tenants write their checklists, areas and functions in

SWEDISH = {
    # layout
    "Effective coordination for safety": "Effektiv samordning för trygghet",
    "Skip to content": "Hoppa till innehållet",
    "Accessibility": "Tillgänglighet",
    "Log out": "Logga ut",
    "Logged in as %(email)s": "Inloggad som %(email)s",
    "Main menu": "Huvudmeny",
    "Home": "Start",
    "Report": "Rapportera",
    "My reports": "Mina rapporter",
    # login and tenants
    "Log in": "Logga in",
    "E-mail": "E-post",
    "Password": "Lösenord",
    "Wrong e-mail address or password.": "Fel e-postadress eller lösenord.",
    "Choose municipality": "Välj kommun",
    "You are not a member of any municipality yet.": "Du är inte medlem i någon kommun än.",
    "To the login": "Till inloggningen",
    "Page not found": "Sidan finns inte",
    "The page does not exist, or you do not have access to it.": (
        "Sidan finns inte, eller så har du inte tillgång till den."
    ),
    "To the start page": "Till startsidan",
    "Refused": "Avvisat",
    # roles
    "reporter": "rapportör",
    "coordinator": "samordnare",
    "admin": "administratör",
    # reporter
    "Report what you have seen": "Rapportera det du har sett",
    "New report": "Ny rapport",
    "Edit report": "Ändra rapport",
    "There is a problem": "Det finns ett problem",
    "Nothing was saved.": "Inget har sparats.",
    "Area": "Område",
    "What did you see?": "Vad såg du?",
    "When?": "När?",
    "Now": "Nu",
    "This evening (18–24)": "I kväll (18–24)",
    "Yesterday evening (18–24)": "I går kväll (18–24)",
    "Another time": "Annan tid",
    "Date and time": "Datum och tid",
    "Used when you choose “Another time”.": "Används när du väljer ”Annan tid”.",
    "Place": "Plats",
    "A street, a square, a stairwell – never a name of a person.": (
        "En gata, ett torg, en trappuppgång – aldrig namn på en person."
    ),
    "Severity": "Allvarlighetsgrad",
    "Comment": "Kommentar",
    "Early action taken": "Tidiga åtgärder",
    (
        "Write about places and events, never about persons: no names, personal identity numbers, phone numbers, "
        "e-mail addresses or registration numbers."
    ): (
        "Skriv om platser och händelser, aldrig om personer: inga namn, personnummer, telefonnummer, "
        "e-postadresser eller registreringsnummer."
    ),
    "(optional)": "(frivilligt)",
    "Send report": "Skicka rapporten",
    "Save changes": "Spara ändringarna",
    "The report is saved.": "Rapporten är sparad.",
    "Choose an area.": "Välj ett område.",
    "Choose what you saw.": "Välj vad du såg.",
    "Choose a severity.": "Välj en allvarlighetsgrad.",
    "Give a date and time.": "Ange datum och tid.",
    "The evening has not begun yet.": "Kvällen har inte börjat än.",
    "Give a place.": "Ange en plats.",
    "This period": "Den här perioden",
    "Earlier": "Tidigare",
    "No reports yet.": "Inga rapporter än.",
    "Edit": "Ändra",
    "compiled – can no longer be changed": "sammanställd – kan inte längre ändras",
    "late": "sen",
    "Period %(period)s": "Period %(period)s",
    # coordinator
    "Current period": "Aktuell period",
    "No cycle is open for this period yet.": "Ingen cykel är öppen för den här perioden än.",
    "State": "Läge",
    "Deadline": "Sista rapporteringsdag",
    "%(days)s d %(hours)s h left": "%(days)s d %(hours)s h kvar",
    "%(hours)s h %(minutes)s min left": "%(hours)s h %(minutes)s min kvar",
    "The deadline has passed.": "Sista rapporteringsdagen har passerat.",
    "collecting": "samlar in",
    "compiling": "sammanställs",
    "assessed": "bedömd",
    "published": "publicerad",
    "closed": "avslutad",
    "Coverage": "Täckning",
    "%(reported)s of %(total)s reporting functions have reported.": (
        "%(reported)s av %(total)s rapporterande funktioner har rapporterat."
    ),
    "Reports": "Rapporter",
    "Not reported": "Inte rapporterat",
    "Reported": "Rapporterat",
    "Reports without a reporting function: %(count)s": "Rapporter utan rapporterande funktion: %(count)s",
    "Reports so far by item": "Rapporter hittills per punkt",
    "Reports so far by area": "Rapporter hittills per område",
    "Item": "Punkt",
    # accessibility statement
    "Accessibility statement": "Tillgänglighetsredogörelse",
    (
        "est is meant for everyone. This statement describes how the service meets the Swedish act "
        "(2018:1937) on accessibility to digital public services, its known shortcomings and how to report a "
        "problem."
    ): (
        "est ska kunna användas av alla. Den här redogörelsen beskriver hur tjänsten uppfyller lagen "
        "(2018:1937) om tillgänglighet till digital offentlig service, kända brister och hur du kan "
        "rapportera problem."
    ),
    "How accessible is the service?": "Hur tillgänglig är tjänsten?",
    (
        "The service is built to meet WCAG 2.1 level AA. Every page is tested automatically with axe in a "
        "real browser, in Swedish and English, and the report form can be filled in with the keyboard alone "
        "and without JavaScript."
    ): (
        "Tjänsten är byggd för att uppfylla WCAG 2.1 nivå AA. Varje sida testas automatiskt med axe i en "
        "riktig webbläsare, på svenska och engelska, och rapportformuläret går att fylla i med enbart "
        "tangentbord och utan JavaScript."
    ),
    "Known shortcomings": "Kända brister",
    (
        "The map and the charts do not exist yet; when they come, each will have a table with the same "
        "figures beside it."
    ): "Kartan och diagrammen finns ännu inte; när de kommer ska de ha en tabell med samma uppgifter bredvid sig.",
    "Report a barrier": "Rapportera en brist",
    (
        "If something stops you, contact the EST coordinator of your municipality or write to the "
        "municipality's registry. Describe the page and what did not work; we answer within two weeks."
    ): (
        "Om du stöter på något som hindrar dig, kontakta EST-samordnaren i din kommun eller skriv till "
        "kommunens registratur. Beskriv sidan och vad som inte fungerade; vi svarar inom två veckor."
    ),
    "Enforcement": "Tillsyn",
    (
        "The Agency for Digital Government (Digg) supervises the act. If you are not satisfied with how we "
        "handle your feedback, you can report it to Digg."
    ): (
        "Myndigheten för digital förvaltning (Digg) ansvarar för tillsynen av lagen. Om du inte är nöjd med "
        "hur vi hanterar dina synpunkter kan du anmäla det till Digg."
    ),
}


def language() -> str:
    """The caller's chosen language (the cookie), else the default (``EST_DEFAULT_LANGUAGE``: Swedish)."""
    chosen = request.cookies.get(COOKIE)
    return chosen if chosen in LANGUAGES else current_app.config["EST"].default_language


def gettext(msgid: str, **values: object) -> str:
    """The text of ``msgid`` in the caller's language, with ``%(name)s`` placeholders filled from ``values``."""
    text = SWEDISH.get(msgid, msgid) if language() == "sv" else msgid
    return text % values if values else text


def content_lang() -> Markup:
    """The ``lang`` attribute for a tenant's own content (checklist, areas, functions: written in Swedish) on a
    page in another language, so that screen readers pronounce it as Swedish (WCAG 3.1.2)."""
    return Markup("") if language() == CONTENT_LANGUAGE else Markup(f' lang="{CONTENT_LANGUAGE}"')


def init_app(app: Flask) -> None:
    app.jinja_env.globals.setdefault("_", gettext)
    app.jinja_env.globals.update(language=language, content_lang=content_lang)
