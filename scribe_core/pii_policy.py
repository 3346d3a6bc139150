"""Which personal details the scribe hides, shared by the cloud and offline engines.

The policy hides identity (who the patient is, how to reach them) and never erases clinical content:
the clinical keep-list (`clinical_keep_list`: drugs including recreational substances, alcohol and
tobacco, conditions, procedures, anatomy, doses, durations, vital signs) names the AssemblyAI
policies that would erase each kept category, and those are refused here for every request. The
offline engine maps the identity policies to Presidio entity types and cuts every finding around
the keep-list's protected spans. The names are AssemblyAI's `PiiPolicy` values.
"""

from __future__ import annotations

from .clinical_keep_list import CATEGORIES, ERASING_POLICIES

# Identity-bearing categories, after AssemblyAI's medical-scribe HIPAA list (CONTRACT §2.2).
DEFAULT_PII_POLICIES: tuple[str, ...] = (
    "person_name",
    "date_of_birth",
    "phone_number",
    "email_address",
    "healthcare_number",
    "us_social_security_number",
    "account_number",
    "drivers_license",
    "passport_number",
    "credit_card_number",
    "banking_information",
    "vehicle_id",
    "location",
    "url",
    "ip_address",
    "username",
)

# Never requested: each would erase a category of the clinical keep-list.
CLINICAL_POLICIES: frozenset[str] = ERASING_POLICIES

# How redacted spans are written: "[PERSON_NAME]" reads better in a note than "####".
DEFAULT_SUBSTITUTION = "entity_name"


def validate_policies(policies: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    from .errors import ConfigurationError

    clinical = sorted(set(policies) & CLINICAL_POLICIES)
    if clinical:
        erased = sorted({c.what for c in CATEGORIES if set(c.erased_by) & set(clinical)})
        raise ConfigurationError(
            f"PII policies {', '.join(clinical)} would erase clinical content from the note "
            f"({'; '.join(erased)}); remove them from the redaction policy"
        )
    return tuple(dict.fromkeys(policies))
