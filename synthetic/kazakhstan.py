"""Kazakhstan as the 2019 mission saw it: regions (with time zones, polling stations, voters, centres), neighbours,
the LTO areas of responsibility, the seconding states and the names the fictional observers are drawn from.

The figures are those of the 2019 early presidential election in round numbers; the people are fictional.
"""

from missions.choices import RegionKind
from observers.choices import CoreFunction, Gender

# code, name, kind, time zone, polling stations, registered voters, centre, urban share of stations
REGIONS = [
    ("AKM", "Akmola", RegionKind.REGION, "Asia/Almaty", 660, 540_000, "Kokshetau", 0.30),
    ("AKT", "Aktobe", RegionKind.REGION, "Asia/Aqtobe", 470, 550_000, "Aktobe", 0.40),
    ("ALM", "Almaty", RegionKind.REGION, "Asia/Almaty", 1108, 1_330_000, "Taldykorgan", 0.25),
    ("ATY", "Atyrau", RegionKind.REGION, "Asia/Atyrau", 300, 360_000, "Atyrau", 0.40),
    ("VOS", "East Kazakhstan", RegionKind.REGION, "Asia/Almaty", 1010, 990_000, "Ust-Kamenogorsk", 0.35),
    ("ZHA", "Zhambyl", RegionKind.REGION, "Asia/Almaty", 560, 680_000, "Taraz", 0.30),
    ("ZAP", "West Kazakhstan", RegionKind.REGION, "Asia/Oral", 460, 440_000, "Uralsk", 0.30),
    ("KAR", "Karaganda", RegionKind.REGION, "Asia/Almaty", 880, 950_000, "Karaganda", 0.55),
    ("KUS", "Kostanay", RegionKind.REGION, "Asia/Qostanay", 700, 610_000, "Kostanay", 0.35),
    ("KZY", "Kyzylorda", RegionKind.REGION, "Asia/Qyzylorda", 300, 480_000, "Kyzylorda", 0.35),
    ("MAN", "Mangystau", RegionKind.REGION, "Asia/Aqtau", 250, 420_000, "Aktau", 0.50),
    ("PAV", "Pavlodar", RegionKind.REGION, "Asia/Almaty", 520, 550_000, "Pavlodar", 0.40),
    ("SEV", "North Kazakhstan", RegionKind.REGION, "Asia/Almaty", 560, 410_000, "Petropavlovsk", 0.25),
    ("YUZ", "Turkistan", RegionKind.REGION, "Asia/Almaty", 1050, 1_220_000, "Turkistan", 0.20),
    ("AST", "Nur-Sultan", RegionKind.CITY, "Asia/Almaty", 330, 680_000, "Nur-Sultan", 1.0),
    ("ALA", "Almaty City", RegionKind.CITY, "Asia/Almaty", 540, 1_170_000, "Almaty", 1.0),
    ("SHY", "Shymkent", RegionKind.CITY, "Asia/Almaty", 270, 570_000, "Shymkent", 1.0),
]

# Approximate latitude and longitude of each region's centre, for the demo's station coordinates.
CENTRES = {
    "AKM": (53.28, 69.39), "AKT": (50.28, 57.17), "ALM": (45.02, 78.37), "ATY": (47.10, 51.92),
    "VOS": (49.95, 82.61), "ZHA": (42.90, 71.37), "ZAP": (51.23, 51.37), "KAR": (49.80, 73.10),
    "KUS": (53.21, 63.62), "KZY": (44.85, 65.51), "MAN": (43.65, 51.16), "PAV": (52.29, 76.97),
    "SEV": (54.87, 69.15), "YUZ": (43.30, 68.25), "AST": (51.17, 71.43), "ALA": (43.24, 76.89),
    "SHY": (42.32, 69.59),
}  # fmt: skip

NEIGHBOURS = {
    "AKM": ["AST", "SEV", "KUS", "KAR", "PAV"],
    "AKT": ["KUS", "ZAP", "ATY", "MAN", "KZY", "KAR"],
    "ALM": ["ALA", "ZHA", "KAR", "VOS"],
    "ATY": ["ZAP", "MAN"],
    "VOS": ["PAV", "KAR"],
    "ZHA": ["YUZ", "KAR"],
    "KAR": ["PAV", "YUZ", "KZY", "KUS"],
    "KUS": ["SEV"],
    "KZY": ["YUZ"],
    "YUZ": ["SHY"],
}

# LTO team areas of responsibility (code, base city, regions): together they cover all 17 units once.
LTO_AREAS = [
    ("LTO-01", "Nur-Sultan", ["AST", "AKM"]),
    ("LTO-02", "Almaty", ["ALA"]),
    ("LTO-03", "Taldykorgan", ["ALM"]),
    ("LTO-04", "Shymkent", ["SHY", "YUZ"]),
    ("LTO-05", "Taraz", ["ZHA"]),
    ("LTO-06", "Kyzylorda", ["KZY"]),
    ("LTO-07", "Aktobe", ["AKT", "ZAP"]),
    ("LTO-08", "Atyrau", ["ATY", "MAN"]),
    ("LTO-09", "Karaganda", ["KAR"]),
    ("LTO-10", "Ust-Kamenogorsk", ["VOS", "PAV"]),
    ("LTO-11", "Kostanay", ["KUS", "SEV"]),
]

# Seconding states (ISO alpha-2) and relative weight; none is the host country, and the weights keep
# every state under 15 % of 300 STOs.
SECONDING_STATES = [
    ("DE", 9), ("GB", 8), ("US", 8), ("FR", 7), ("PL", 6), ("IT", 5), ("SE", 5), ("NO", 4), ("FI", 4), ("DK", 4),
    ("NL", 4), ("CH", 4), ("AT", 4), ("CZ", 4), ("CA", 4), ("ES", 3), ("IE", 3), ("BE", 3), ("EE", 3), ("LT", 3),
    ("LV", 3), ("SK", 2), ("SI", 2), ("HU", 2), ("RO", 2), ("BG", 2), ("HR", 2), ("PT", 2), ("GR", 2), ("IS", 1),
    ("LU", 1), ("MT", 1), ("GE", 2), ("MD", 2), ("UA", 2), ("AM", 1), ("RS", 1), ("ME", 1), ("MK", 1), ("AL", 1),
]  # fmt: skip

FIRST_NAMES = {
    Gender.FEMALE: [
        "Anna", "Maria", "Elena", "Sofia", "Ingrid", "Claire", "Katarzyna", "Laura", "Eva", "Hanna", "Julia",
        "Marta", "Nora", "Ines", "Lena", "Petra", "Sara", "Ilse", "Agnes", "Olga", "Greta", "Teresa", "Vera",
        "Alice", "Irene", "Jana", "Mila", "Rosa", "Ida", "Lucia"
    ],
    Gender.MALE: [
        "Jan", "Peter", "Marco", "Lars", "Thomas", "Pierre", "Piotr", "David", "Erik", "Jonas", "Paul",
        "Andrej", "Luca", "Mikael", "Felix", "Tomas", "Martin", "Hugo", "Oskar", "Viktor", "Daniel", "Simon",
        "Karl", "Louis", "Anton", "Niels", "Pavel", "Rui", "Stefan", "Aleks"
    ],
}  # fmt: skip

SURNAMES = [
    "Berg", "Novak", "Rossi", "Larsen", "Dubois", "Kowalski", "Schmidt", "Smith", "Jensen", "Horvat",
    "Virtanen", "Moreau", "Bianchi", "Nilsson", "Kovacs", "Silva", "Popescu", "Ivanova", "Walsh", "Vos",
    "Keller", "Lindqvist", "Brennan", "Marin", "Petrov", "Hansen", "Fischer", "Costa", "Nowak", "Meyer",
    "Olsen", "Richter", "Laine", "Bauer", "Kral", "Duarte", "Moller", "Ozols", "Tamm", "Weber"
]  # fmt: skip

CORE_FUNCTIONS = [
    CoreFunction.DEPUTY_HEAD,
    CoreFunction.ELECTION_ANALYST,
    CoreFunction.POLITICAL_ANALYST,
    CoreFunction.LEGAL_ANALYST,
    CoreFunction.MEDIA_ANALYST,
    CoreFunction.STATISTICAL_ANALYST,
    CoreFunction.LTO_COORDINATOR,
    CoreFunction.SECURITY_EXPERT,
    CoreFunction.OPERATIONS,
    CoreFunction.OPERATIONS,
    CoreFunction.OTHER,
]

STREETS = [
    "Abay", "Dostyk", "Tole Bi", "Kabanbay Batyr", "Satpayev", "Zheltoksan", "Baitursynov", "Auezov", "Gogol",
    "Pushkin", "Tauelsizdik", "Respublika", "Seifullin", "Kunayev", "Momyshuly"
]  # fmt: skip

CANDIDATES = [
    "Candidate Amanov",
    "Candidate Bekova",
    "Candidate Dauletov",
    "Candidate Yesimova",
    "Candidate Kairatov",
    "Candidate Nurlanova",
    "Candidate Serikov",
]
