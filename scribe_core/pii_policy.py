"""Which personal details the scribe hides, shared by the cloud and offline engines.

The policy hides identity (who the patient is, how to reach them) and never erases clinical content:
drug names, doses, conditions, procedures, injuries and durations stay, because a note without them
is useless. The names are AssemblyAI's `PiiPolicy` values; the offline engine maps them to Presidio
entity types.
"""

from __future__ import annotations

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

# Never redacted: redacting these would erase the clinical record itself.
CLINICAL_POLICIES: frozenset[str] = frozenset(
    {"drug", "medical_condition", "medical_process", "injury", "blood_type", "duration", "statistics"}
)

# How redacted spans are written: "[PERSON_NAME]" reads better in a note than "####".
DEFAULT_SUBSTITUTION = "entity_name"


def validate_policies(policies: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    from .errors import ConfigurationError

    clinical = sorted(set(policies) & CLINICAL_POLICIES)
    if clinical:
        raise ConfigurationError(
            f"PII policies {', '.join(clinical)} would erase clinical content from the note; "
            "remove them from the redaction policy"
        )
    return tuple(dict.fromkeys(policies))
