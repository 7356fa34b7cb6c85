"""Demo clients: varied names (several scripts), ages, contact details and referral sources."""

import random
from datetime import date

from ..clock import clinic_today
from ..models import Clinic, User
from . import services

# No client shares a name with the demo staff (Maya Okafor is a therapist).
FIRST = (
    "Marisol",
    "Oliver",
    "Zoë",
    "Amara",
    "Liam",
    "Siobhán",
    "Tomasz",
    "Aisha",
    "Noah",
    "Ingrid",
    "Kofi",
    "Mei",
    "Rahul",
    "Élodie",
    "Jonas",
    "Fatima",
    "Grace",
    "Mateo",
    "Hana",
    "Declan",
    "Priya",
    "Sven",
    "Chidi",
    "Lucía",
    "Eleanor",
    "Yusuf",
    "Freya",
    "Ravi",
    "Nadia",
    "Callum",
)
LAST = (
    "Oduya",
    "Bennett",
    "Ngô-Łukasiewicz",
    "Adeyemi",
    "Walsh",
    "Ní Bhriain",
    "Kowalczyk",
    "Rahman",
    "Fletcher",
    "Lindqvist",
    "Mensah",
    "Chen",
    "Iyer",
    "Moreau",
    "Becker",
    "Haddad",
    "Thompson",
    "García",
    "Sato",
    "O'Brien",
    "Nair",
    "Johansson",
    "Eze",
    "Fernández",
    "Hughes",
    "Demir",
    "Larsen",
    "Patel",
    "Novak",
    "MacLeod",
)
STREETS = ("Quay Road", "Elm Grove", "Castle Street", "Marine Parade")
REFERRALS = (
    "GP",
    "Physiotherapist",
    "A friend",
    "Web search",
    "Running club",
    "Employer wellbeing scheme",
    "",
)


def demo_clients(clinic: Clinic, staff: dict[str, list[User]], count: int) -> dict:
    """DEMO_STEPS entry: `count` clients; the first two are 16 (a minor scenario for each consent case)."""
    rng = random.Random(7)  # noqa: S311  # the same demo on every machine
    this_year = clinic_today(clinic).year
    for n in range(count):
        first, last = FIRST[n % len(FIRST)], LAST[(n * 7) % len(LAST)]
        if n >= len(FIRST):
            first = f"{first} {chr(65 + n // len(FIRST))}."
        born_year = this_year - 16 if n in (1, 2) else this_year - rng.randint(19, 78)
        phone = f"+44 7700 9{rng.randint(0, 99999):05d}"
        services.create_client(
            clinic.id,
            {
                "first_name": first,
                "last_name": last,
                "preferred_name": "Zo" if first == "Zoë" else "",
                "date_of_birth": date(born_year, rng.randint(1, 12), rng.randint(1, 28)),
                "phone": phone,
                "email": f"{first.split()[0].lower()}.{n}@example.com".replace("ë", "e")
                .replace("é", "e")
                .replace("á", "a"),
                "address": f"{rng.randint(1, 140)} {rng.choice(STREETS)}",
                "emergency_contact": f"{rng.choice(FIRST)} (partner), +44 7700 9{rng.randint(0, 99999):05d}",
                "referral_source": rng.choice(REFERRALS),
                "notes": rng.choice(
                    ("", "", "Prefers morning appointments", "Parking at the back, please", "Pays by card")
                ),
            },
        )
    return {"clients": count}
