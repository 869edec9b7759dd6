"""The languages a patient may read the portal and their messages in: the one list.

settings.LANGUAGES (what Django's locale machinery and the switcher offer),
portal.models.Language (what a profile stores) and so portal.i18n.SUPPORTED are all made
from it, so the switcher can never offer a language a profile refuses. Pure Python, as
settings imports it.
"""

from __future__ import annotations

# (member name, code, name). Each name is written in its own language: a patient who
# cannot read English must still find theirs.
PATIENT_LANGUAGES: tuple[tuple[str, str, str], ...] = (
    ("ENGLISH", "en", "English"),
    ("SPANISH", "es", "Español"),
)

# As settings.LANGUAGES wants them: (code, name).
LANGUAGES: list[tuple[str, str]] = [(code, name) for _member, code, name in PATIENT_LANGUAGES]
