"""The documents a clinic makes from a note: templates, after-visit summary, referral letter, PDF and
FHIR exports, and sending the note to an EHR."""
