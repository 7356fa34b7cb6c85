"""The vocabulary of the bench data: names from many places, presentations, conditions, note text, hours.

What the demo already has (client names, streets, referrals, note text, services, cancel reasons) is
imported from the demo modules and only extended here, so bench data and demo data cannot drift apart.
"""

from datetime import time

from clinic.clients import demo as demo_clients
from clinic.schedule import demo as demo_calendar
from clinic.visits import demo as demo_visits

# The demo's client names first, then more from many places (20,000 clients want a wider spread).
FIRST = (
    *demo_clients.FIRST,
    *(
        "Anna James Sarah David Emma Michael Olivia Daniel Sophie Thomas Chloe Matthew Lucy Joseph "
        "Hannah Samuel Ella Benjamin Amelia Ahmed Leila Omar Yasmin Wei Jun Li Na Kenji Yuki Sakura "
        "Hiroshi Arjun Ananya Vikram Divya Sanjay Olga Dmitri Katarzyna Piotr Agnieszka Bogdan Ioana "
        "Andrei Eszter Gábor Jiří Tereza Lars Astrid Bjørn Sigrid Pekka Aino Giulia Marco Chiara Luca "
        "Inês João Carmen Pablo Nuno Beatriz Ayodele Ngozi Tendai Thandiwe Kwabena Efua Malik Imani "
        "Darnell Keisha Rory Niamh Ciarán Aoife Eilidh Fraser"
    ).split(),
)
LAST = (
    *demo_clients.LAST,
    *(
        "Smith Jones Williams Taylor Brown Davies Evans Wilson Roberts Johnson Wright Robinson Wood "
        "Thompson Walker White Edwards Green Hall Martin Clarke Jackson Clark Wang Zhang Liu Huang Zhao "
        "Nguyen Tran Pham Kim Park Lee Choi Suzuki Takahashi Watanabe Yamamoto Singh Kumar Sharma Gupta "
        "Shah Mehta Khan Ali Hussain Begum Akhtar Mahmood Rossi Russo Ferrari Esposito Bianchi Romano "
        "Müller Schmidt Schneider Fischer Weber Wagner Dubois Lefebvre Laurent Silva Santos Oliveira "
        "Pereira Costa Rodrigues Kowalski Wiśniewski Nowak Horváth Nagy Popescu Ivanova Petrov Jensen "
        "Nielsen Hansen Andersen Virtanen Korhonen O'Connor Murphy Kelly Byrne Ryan McCarthy Campbell "
        "Stewart Macdonald Reid Okoro Nwosu Boateng Owusu Abubakar Diallo Traoré"
    ).split(),
)
STREETS = (
    *demo_clients.STREETS,
    "Station Road",
    "Mill Lane",
    "Church Walk",
    "Harbour View",
    "Victoria Terrace",
    "Orchard Close",
)
REFERRALS = demo_clients.REFERRALS
NOTES = (
    "",
    "",
    "",
    "",
    "Prefers morning appointments",
    "Parking at the back, please",
    "Pays by card",
    "Hard of hearing: face them when talking",
    "Call, do not text",
)


COMPLAINTS = (
    ("Tension between the shoulder blades after desk work", ["upper_back", "neck_posterior", "shoulder_r"]),
    ("Low back and hip ache, worse after driving", ["lower_back", "gluteal_l", "hip_l"]),
    ("Tight calves from running", ["calf_r", "calf_l", "shin_r"]),
    ("Jaw pain and headaches", ["jaw_l", "head", "neck_anterior"]),
)
# Conditions without dates or regions, so every version stays valid on any day; most clients have none.
CONDITION_SETS = (
    [],
    [],
    [],
    [],
    [],
    [],
    [{"code": "hypertension_controlled"}],
    [{"code": "diabetes"}],
    [{"code": "osteoporosis"}],
    [{"code": "anticoagulant"}],
    [{"code": "fibromyalgia"}],
    [{"code": "lubricant_allergy", "note": "Almond oil"}],
    [{"code": "diabetes"}, {"code": "hypertension_controlled"}],
)
SOAP = (
    *demo_visits.SOAP,
    (
        "Flared up after a weekend of gardening ({pain}/10).",
        "Two active points, guarding on the left.",
        "Temporary flare; no red flags.",
        "Lighter pressure; ball work at home every other day.",
    ),
)
SERVICES = demo_calendar.SERVICES
CLINIC_HOURS = {**{d: [(time(8), time(19))] for d in range(5)}, 5: [(time(9), time(14))]}
# Each therapist's own week (inside the clinic's hours): (weekdays, start, end)
SHIFTS = (
    (range(5), time(8), time(16)),
    ((0, 1, 2, 3, 5), time(9), time(17)),
    ((1, 2, 3, 4), time(10), time(19)),
    (range(5), time(9), time(17)),
    ((0, 2, 4, 5), time(9), time(18)),
    ((0, 1, 3, 4), time(11), time(19)),
)
CANCEL_REASONS = demo_calendar.CANCEL_REASONS
