"""The vocabulary of the bench data: names from many places, presentations, conditions, note text, hours."""

from datetime import time

FIRST = (
    "Maya Oliver Zoë Amara Liam Siobhán Tomasz Aisha Noah Ingrid Kofi Mei Rahul Élodie Jonas Fatima Grace "
    "Mateo Hana Declan Priya Sven Chidi Lucía Eleanor Yusuf Freya Ravi Nadia Callum Anna James Sarah David "
    "Emma Michael Olivia Daniel Sophie Thomas Chloe Matthew Lucy Joseph Hannah Samuel Ella Benjamin Amelia "
    "Ahmed Leila Omar Yasmin Wei Jun Li Na Kenji Yuki Sakura Hiroshi Arjun Ananya Vikram Divya Sanjay "
    "Olga Dmitri Katarzyna Piotr Agnieszka Bogdan Ioana Andrei Eszter Gábor Jiří Tereza Lars Astrid "
    "Bjørn Sigrid Pekka Aino Giulia Marco Chiara Luca Inês João Carmen Pablo Nuno Beatriz Ayodele "
    "Ngozi Tendai Thandiwe Kwabena Efua Malik Imani Darnell Keisha Rory Niamh Ciarán Aoife Eilidh Fraser"
).split()
LAST = (
    (
        "Okafor Bennett Ngô-Łukasiewicz Adeyemi Walsh Ní_Bhriain Kowalczyk Rahman Fletcher Lindqvist Mensah "
        "Chen Iyer Moreau Becker Haddad Thompson García Sato O'Brien Nair Johansson Eze Fernández Hughes "
        "Demir Larsen Patel Novak MacLeod Smith Jones Williams Taylor Brown Davies Evans Wilson Roberts "
        "Johnson Wright Robinson Wood Thompson Walker White Edwards Green Hall Martin Clarke Jackson Clark "
        "Wang Zhang Liu Huang Zhao Nguyen Tran Pham Kim Park Lee Choi Suzuki Takahashi Watanabe Yamamoto "
        "Singh Kumar Sharma Gupta Shah Mehta Khan Ali Hussain Begum Akhtar Mahmood Rossi Russo Ferrari "
        "Esposito Bianchi Romano Müller Schmidt Schneider Fischer Weber Wagner Dubois Lefebvre Laurent "
        "Silva Santos Oliveira Pereira Costa Rodrigues Kowalski Wiśniewski Nowak Horváth Nagy Popescu "
        "Ivanova Petrov Jensen Nielsen Hansen Andersen Virtanen Korhonen O'Connor Murphy Kelly Byrne "
        "Ryan McCarthy Campbell Stewart Macdonald Reid Okoro Nwosu Boateng Owusu Abubakar Diallo Traoré"
    )
    .replace("_", " ")
    .split()
)
STREETS = (
    "Quay Road",
    "Elm Grove",
    "Castle Street",
    "Marine Parade",
    "Station Road",
    "Mill Lane",
    "Church Walk",
    "Harbour View",
    "Victoria Terrace",
    "Orchard Close",
)
REFERRALS = (
    "GP",
    "Physiotherapist",
    "A friend",
    "Web search",
    "Running club",
    "Employer wellbeing scheme",
    "",
)
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
    (
        "Stiff and sore after a long week at the desk; {pain}/10 at worst.",
        "Taut bands palpated; active points reproduce the familiar pain.",
        "Myofascial pain, responding to treatment.",
        "Continue; home stretches twice daily.",
    ),
    (
        "Better since last time; still aches by the evening ({pain}/10).",
        "Fewer active points; range improved.",
        "Improving.",
        "Keep to the plan; review at the fourth session.",
    ),
    (
        "Flared up after a weekend of gardening ({pain}/10).",
        "Two active points, guarding on the left.",
        "Temporary flare; no red flags.",
        "Lighter pressure; ball work at home every other day.",
    ),
)
SERVICES = (("Trigger point therapy, short", 30), ("Trigger point therapy", 60), ("Extended session", 90))
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
CANCEL_REASONS = ("Client unwell", "Work commitment", "Rebooked by phone", "Childcare fell through")
