"""Word lists behind the entity rules: titles, first names, places, organisation heads.

Small on purpose: they only need to tip a capitalised span towards person, organisation or
place. A span none of them (nor its context) classifies stays a plain ``entity``.
"""

from __future__ import annotations

# Titles and honorifics that precede a person's name ("Mayor Bill de Blasio"). Multi-word
# titles are listed too; the rules try the longest first.
TITLES = frozenset("""
mr mr. mrs mrs. ms ms. miss dr dr. prof prof. sen sen. rep rep. gov gov. gen gen. lt lt.
col col. capt capt. sgt sgt. rev rev. sir dame lord lady judge justice president senator
governor mayor representative congressman congresswoman secretary chairman chairwoman speaker
pope minister ambassador director professor commissioner sheriff officer detective chancellor
councilman councilwoman councilmember assemblyman assemblywoman king queen prince princess
vice-president premier attorney-general
""".split())
MULTIWORD_TITLES = ("vice president", "prime minister", "attorney general", "first lady",
                    "chief justice", "police commissioner", "district attorney",
                    "secretary of state", "press secretary")

# Common given names: a capitalised span starting with one is probably a person.
FIRST_NAMES = frozenset("""
aaron adam adrian alan albert alex alexander alexandria alice alicia allen amanda amy andrea
andrew angela ann anna anne anthony antonio arthur ashley barack barbara ben benjamin bernie
betsy beto bill billy bob bobby brad bradley brandon brenda brett brian bruce carl carlos carol
caroline catherine charles charlie chris christina christine christopher chuck cindy claire
cory craig dan daniel danielle david dean deborah debra dennis devin diana diane donald donna
doug douglas dylan ed eddie edward elizabeth ellen emily emma eric erica frank gary george
gerald gina gloria greg gregory hannah harold harry heather helen henry hillary howard ian
ivanka jack jacob james jamie jane janet jared jason jeb jeff jeffrey jennifer jeremy jerry
jesse jessica jill jim jimmy joan joe john johnny jon jonathan jorge jose joseph josh joshua
juan judy julia julian julie justin karen kate katherine kathleen kathy keith kelly kellyanne
ken kenneth kevin kim kimberly kirsten kyle larry laura lauren lawrence linda lindsey lisa
louis lucy luis marco marcus margaret maria marie mark martha martin mary matt matthew megan
melania melissa michael michelle mike milton mitch mitt nancy nathan nicholas nicole nikki
oliver pamela patricia patrick paul pedro peter philip rachel ralph rand randy raymond rebecca
richard rick rob robert roger ron ronald rose roy ruth ryan sally samantha samuel sandra sara
sarah scott sean sharon stephanie stephen steve steven susan tammy ted teresa terry thomas tim
timothy tina todd tom tony tyler victor victoria vincent walter wayne william
""".split())

# Name particles that stay lower-case inside a surname ("Bill de Blasio").
PARTICLES = frozenset("de del della di da van von der den la le du dos bin al el".split())

# Head words that make a capitalised span an organisation.
ORG_HEADS = frozenset("""
inc inc. corp corp. corporation co co. company llc ltd ltd. group committee department dept
ministry agency party campaign council association university college school foundation
institute commission bureau office administration court congress senate house assembly
parliament police army navy force forces government union coalition alliance center centre
fund trust bank board authority service services organization organisation caucus project
network society league federation club church enforcement security patrol guard command
hospital times post news journal herald tribune gazette radio tv magazine chronicle examiner
observer telegraph press channel broadcasting globe monitor reuters
""".split())

# Acronyms and one-word names known to be organisations.
ORG_NAMES = frozenset("""
fbi cia nsa dhs doj epa irs nato un eu gop dnc rnc nra aclu pentagon congress senate kremlin
google apple amazon microsoft twitter facebook gallup quinnipiac pew ice cbp nypd lapd
""".split())

# Groups (parties, nationalities): named, but neither person, organisation nor place.
GROUP_WORDS = frozenset("""
democrat democrats democratic republican republicans american americans mexican mexicans
latino latinos hispanic hispanics muslim muslims christian christians jewish catholic
catholics european europeans british chinese russian russians
""".split())

# Places: US states, large US cities, countries and regions. Lower-case keys.
PLACES = frozenset("""
alabama alaska arizona arkansas california colorado connecticut delaware florida georgia
hawaii idaho illinois indiana iowa kansas kentucky louisiana maine maryland massachusetts
michigan minnesota mississippi missouri montana nebraska nevada ohio oklahoma oregon
pennsylvania tennessee texas utah vermont virginia washington wisconsin wyoming
""".split()) | frozenset((
    "new hampshire", "new jersey", "new mexico", "new york", "north carolina", "north dakota",
    "rhode island", "south carolina", "south dakota", "west virginia", "district of columbia",
    "new york city", "los angeles", "chicago", "houston", "phoenix", "philadelphia",
    "san antonio", "san diego", "dallas", "san jose", "austin", "jacksonville", "san francisco",
    "seattle", "denver", "boston", "detroit", "nashville", "portland", "las vegas", "baltimore",
    "miami", "atlanta", "minneapolis", "cleveland", "new orleans", "brooklyn", "queens",
    "manhattan", "the bronx", "bronx", "staten island", "long island", "silicon valley",
    "washington, d.c.", "d.c.", "dc", "united states", "america", "mexico", "canada", "cuba",
    "brazil", "argentina", "colombia", "venezuela", "guatemala", "honduras", "el salvador",
    "united kingdom", "britain", "great britain", "england", "scotland", "wales", "ireland",
    "france", "germany", "italy", "spain", "portugal", "netherlands", "belgium", "sweden",
    "norway", "denmark", "finland", "poland", "ukraine", "russia", "turkey", "greece",
    "israel", "palestine", "gaza", "iran", "iraq", "syria", "lebanon", "jordan", "egypt",
    "saudi arabia", "yemen", "afghanistan", "pakistan", "india", "china", "japan",
    "north korea", "south korea", "korea", "taiwan", "vietnam", "philippines", "indonesia",
    "australia", "new zealand", "nigeria", "kenya", "south africa", "ethiopia", "libya",
    "europe", "asia", "africa", "latin america", "middle east", "central america",
    "south america", "north america", "midwest",
))
PLACE_HEADS = frozenset("city county state province island islands river street avenue "
                        "valley bay mountain mountains lake park district region".split())

# Spellings of one place, folded to one key so that "US" matches "United States".
PLACE_ALIASES = {
    "us": "united states", "u.s.": "united states", "u.s": "united states",
    "usa": "united states", "u.s.a.": "united states", "united states of america":
    "united states", "the united states": "united states", "america": "united states",
    "nyc": "new york city", "uk": "united kingdom", "u.k.": "united kingdom",
    "britain": "united kingdom", "great britain": "united kingdom", "la": "los angeles",
    "d.c.": "washington, d.c.", "dc": "washington, d.c.",
}

MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4,
    "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sep": 9, "sept": 9, "october": 10, "oct": 10, "november": 11, "nov": 11,
    "december": 12, "dec": 12,
}
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
