"""The clinic's consent forms, version 1 of each. Clinic data: the clinic admin edits
them in the admin from here on (a changed text is a new version, signed anew)."""

import datetime as dt

from django.db import migrations

EFFECTIVE = dt.date(2026, 1, 1)

RIGHTS = (
    "You may ask questions at any time, and you may withdraw this consent at any time by "
    "telling the clinic; withdrawing does not affect care already given. If you ever have "
    "thoughts of harming yourself, call or text 988 (Suicide & Crisis Lifeline) or call 911."
)

TREATMENT_COMMON = (
    "Ketamine is approved by the FDA as an anesthetic. Its use for depression, anxiety or "
    "PTSD at lower doses is off-label (except Spravato, below): it has been studied, but it "
    "is not FDA-approved for these conditions, and results vary from person to person. "
    "Relief, when it comes, is often fast but may not last; maintenance (booster) sessions "
    "may be recommended.\n\n"
    "Common short-lived effects during and after a session: dissociation (feeling detached "
    "or in a dream), changes in perception, dizziness, nausea or vomiting, blurred vision, "
    "drowsiness, raised blood pressure and heart rate, and anxiety. Less common: "
    "headache, confusion, bladder irritation with frequent long-term use. Rare but serious: "
    "breathing problems, severe blood-pressure rises, allergic reaction. Ketamine can be "
    "misused; the clinic gives it only on site under supervision.\n\n"
    "Before each session I will follow the fasting instructions I am given and tell the "
    "clinic about every medicine, supplement, alcohol or drug I take, and about pregnancy or "
    "a chance of it. I will not drive, operate machinery or make important decisions for "
    "the rest of the day, and I will arrange for a responsible adult to take me home. "
    "Alternatives to this treatment include medicines, psychotherapy, transcranial "
    "magnetic stimulation (TMS) and electroconvulsive therapy (ECT); my clinician has "
    "offered to discuss them with me."
)

DOCUMENTS = [
    (
        "treatment_iv",
        "Consent to IV ketamine infusion treatment",
        "I consent to treatment with ketamine given by intravenous (IV) infusion at the "
        "clinic, ordered by a clinic prescriber. A typical dose is about 0.5 mg per kg of "
        "body weight over about 40 minutes; I stay in the chair under monitoring (blood "
        "pressure, heart rate, oxygen) until I am back to my baseline and a clinician "
        "discharges me. A typical first course is about 6 infusions over 2 to 3 weeks.\n\n"
        + TREATMENT_COMMON
        + "\n\n"
        + RIGHTS,
    ),
    (
        "treatment_spravato",
        "Consent to Spravato (esketamine nasal spray) treatment",
        "I consent to treatment with Spravato (esketamine) nasal spray, FDA-approved for "
        "treatment-resistant depression, taken at this certified clinic under the "
        "supervision of its staff. I will never take Spravato home. After each dose I will "
        "stay at the clinic for at least 2 hours and until a clinician decides I am ready "
        "to leave; my blood pressure will be checked before the dose, about 40 minutes "
        "after it and before I leave, and my oxygen level will be monitored.\n\n"
        "Spravato can cause sedation, dissociation, breathing problems, raised blood "
        "pressure, dizziness, nausea, and problems with thinking and judgement. I will not "
        "drive or operate machinery until the next day after a restful sleep. Spravato is "
        "not for people with aneurysmal vascular disease, arteriovenous malformation, a "
        "history of bleeding in the brain, or an allergy to esketamine or ketamine. "
        "Antidepressants may increase suicidal thoughts and actions in some people, "
        "especially young adults; I will tell the clinic at once about any new or worse "
        "thoughts of suicide.\n\n" + TREATMENT_COMMON + "\n\n" + RIGHTS,
    ),
    (
        "treatment_kap",
        "Consent to ketamine-assisted psychotherapy (KAP)",
        "I consent to ketamine-assisted psychotherapy: a low dose of ketamine given at the "
        "clinic shortly before or during a session with a licensed therapist, with "
        "preparation and integration sessions before and after. The therapist stays with "
        "me during the session; a clinician monitors my vital signs and decides when I may "
        "leave. Touch is limited to what I agree to in advance, and I may stop a session "
        "at any time.\n\n" + TREATMENT_COMMON + "\n\n" + RIGHTS,
    ),
    (
        "spravato_rems",
        "Spravato REMS patient enrollment acknowledgement",
        "Spravato is available only through a restricted program called the SPRAVATO REMS "
        "(Risk Evaluation and Mitigation Strategy), because of the risks of sedation, "
        "dissociation, respiratory depression, and abuse and misuse.\n\n"
        "I understand and agree that: I must be enrolled in the SPRAVATO REMS before my "
        "first treatment, and the clinic will enroll me and share my information with the "
        "program; I will take Spravato only at a certified healthcare setting, under "
        "supervision, and never at home; I will be monitored after each dose for at least "
        "2 hours, including my breathing with pulse oximetry, until a healthcare provider "
        "decides I am safe to leave; I will not drive or operate heavy machinery until the "
        "next day after a restful sleep; the clinic reports information about each "
        "treatment to the REMS, including serious side effects.\n\n"
        "I have received and read the Spravato Medication Guide, and I have had the "
        "chance to ask questions about it. " + RIGHTS,
    ),
    (
        "telehealth",
        "Consent to telehealth",
        "Telehealth means receiving care from a clinic provider by secure video (or "
        "telephone) instead of in person. California law (Business and Professions Code "
        "section 2290.5) requires that I be told about telehealth and consent to it before "
        "my first telehealth visit; this form records that consent.\n\n"
        "I understand that: the clinic uses a secure video service; I should join from a "
        "private place and I may be asked to confirm where I am at the start of each visit, "
        "because my provider must be licensed where I am; a video visit may be ended and "
        "moved to an in-person visit if my provider decides that is safer or better; "
        "technical problems can interrupt a visit, in which case the provider will call me; "
        "no medicine for my dosing sessions is given by telehealth; and visits are not "
        "recorded without my written permission.\n\n"
        "I may refuse telehealth and ask for in-person care at any time without losing "
        "access to care I am otherwise entitled to. Telehealth is not for emergencies: in "
        "an emergency call 911, or call or text 988.",
    ),
    (
        "financial",
        "Financial and late-cancellation policy",
        "Payment is due at the time of service unless the clinic has agreed otherwise. "
        "IV ketamine and ketamine-assisted psychotherapy are often not covered by "
        "insurance; Spravato and psychiatric visits more often are. I am responsible for "
        "any amount my insurer does not pay, including deductibles, co-pays and "
        "co-insurance. If I am uninsured or pay for myself, I have the right to a Good "
        "Faith Estimate of expected charges (No Surprises Act); I can ask for one in the "
        "portal, and I can dispute a bill that is $400 or more above it.\n\n"
        "Late cancellation and missed visits: dosing visits hold a chair, a nurse and a "
        "prescriber for up to several hours. Please cancel or reschedule at least 48 hours "
        "before a dosing visit and 24 hours before any other visit. A visit cancelled "
        "later, or missed, may be charged the clinic's late-cancellation fee shown in the "
        "portal's billing page; the clinic may waive it for emergencies and illness.\n\n"
        "I authorize the clinic to bill my insurer on my behalf, where I have given "
        "insurance, and to release the information the insurer needs to process claims. "
        "I can ask for receipts and a superbill in the portal.",
    ),
    (
        "text_messages",
        "Consent to text messages",
        "I agree that the clinic may send text messages to the mobile number on my file: "
        "appointment reminders and changes, and notices that something is waiting for me "
        "in the portal. Texts never contain my diagnosis, medicines, doses or screening "
        "results, because other people may see a phone's screen; the details are in the "
        "portal.\n\n"
        "Message frequency varies. Message and data rates may apply. I can reply STOP to "
        "stop texts at any time, or HELP for help, and I can change this in the portal or by "
        "calling the clinic. Texts are not monitored around the clock and are not for "
        "emergencies: call 911, or call or text 988.",
    ),
]


def seed(apps, schema_editor):
    ConsentDocument = apps.get_model("intake", "ConsentDocument")
    for kind, title, body in DOCUMENTS:
        ConsentDocument.objects.get_or_create(
            kind=kind,
            version=1,
            defaults={"title": title, "body": body, "effective_date": EFFECTIVE},
        )


def unseed(apps, schema_editor):
    ConsentDocument = apps.get_model("intake", "ConsentDocument")
    ConsentDocument.objects.filter(version=1, signatures__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("intake", "0003_consents")]

    operations = [migrations.RunPython(seed, unseed)]
