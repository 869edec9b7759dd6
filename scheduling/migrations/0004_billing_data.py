"""Billing's clinic data: self-pay prices and service codes per service, the IV induction
package, the clinic's holidays (not business days for the estimate clock) and the
billing settings row. Edited in the admin from here on; a new price is a new row."""

import datetime as dt

from django.db import migrations

FROM = dt.date(2026, 1, 1)

# service name, price in cents, service codes, visits in a typical course
PRICES = [
    ("Consultation / psychiatric evaluation", 35000, "90791", 1),
    ("IV ketamine infusion", 50000, "96365, 96366", 6),
    ("Spravato session", 90000, "G2082", 8),
    ("KAP session", 45000, "90837", 6),
    ("Integration therapy", 17500, "90837", 1),
    ("Booster infusion", 50000, "96365, 96366", 1),
]

# service name, package name, visits, price in cents
PACKAGES = [("IV ketamine infusion", "IV induction: six infusions", 6, 270000)]

HOLIDAYS = [
    ("2026-01-01", "New Year's Day"),
    ("2026-01-19", "Martin Luther King Jr. Day"),
    ("2026-02-16", "Presidents' Day"),
    ("2026-05-25", "Memorial Day"),
    ("2026-06-19", "Juneteenth"),
    ("2026-07-03", "Independence Day (observed)"),
    ("2026-09-07", "Labor Day"),
    ("2026-11-11", "Veterans Day"),
    ("2026-11-26", "Thanksgiving"),
    ("2026-11-27", "Day after Thanksgiving"),
    ("2026-12-25", "Christmas Day"),
    ("2027-01-01", "New Year's Day"),
    ("2027-01-18", "Martin Luther King Jr. Day"),
    ("2027-02-15", "Presidents' Day"),
    ("2027-05-31", "Memorial Day"),
    ("2027-06-18", "Juneteenth (observed)"),
    ("2027-07-05", "Independence Day (observed)"),
    ("2027-09-06", "Labor Day"),
    ("2027-11-11", "Veterans Day"),
    ("2027-11-25", "Thanksgiving"),
    ("2027-11-26", "Day after Thanksgiving"),
    ("2027-12-24", "Christmas Day (observed)"),
]


def seed(apps, schema_editor):
    Service = apps.get_model("scheduling", "Service")
    ServicePrice = apps.get_model("scheduling", "ServicePrice")
    ServicePackage = apps.get_model("scheduling", "ServicePackage")
    ClinicHoliday = apps.get_model("scheduling", "ClinicHoliday")
    BillingSettings = apps.get_model("scheduling", "BillingSettings")
    by_name = {s.name: s for s in Service.objects.all()}
    for name, cents, codes, course in PRICES:
        if name in by_name:
            ServicePrice.objects.get_or_create(
                service=by_name[name],
                effective_from=FROM,
                defaults={
                    "amount_cents": cents,
                    "service_codes": codes,
                    "typical_course_visits": course,
                },
            )
    for name, package, visits, cents in PACKAGES:
        if name in by_name:
            ServicePackage.objects.get_or_create(
                service=by_name[name],
                name=package,
                defaults={"visits": visits, "amount_cents": cents, "effective_from": FROM},
            )
    for day, name in HOLIDAYS:
        ClinicHoliday.objects.get_or_create(day=dt.date.fromisoformat(day), defaults={"name": name})
    BillingSettings.objects.get_or_create(singleton_id=1)


class Migration(migrations.Migration):
    dependencies = [("scheduling", "0003_billing")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
