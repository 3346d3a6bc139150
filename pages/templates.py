"""Templates: the note templates on offer, each clinician's default, and the clinic's own templates.

Admins define clinic templates (sections in order, instructions for the writer, LOINC codes, which
sections are required before signing); the core validates them exactly as it validates a TOML file
in the data directory. Every clinician picks their default template.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from scribe_core.documents.templates import TemplateError
from scribe_core.documents.templates.validate import MAX_INSTRUCTIONS, MAX_SECTION_TITLE, MAX_TITLE, ROLES
from scribe_core.errors import ConfigurationError
from scribe_core.note_template import NoteTemplate
from ui.access import current_viewer
from ui.services import get_services
from ui.template_rows import sections_from_rows

COLUMNS = ["key", "title", "instructions", "loinc", "role", "required"]

services = get_services()
viewer = current_viewer()
library = services.templates
st.title("Templates")

templates = library.all()
custom = set(library.custom_names())
st.dataframe(pd.DataFrame([{"template": t.title, "name": name, "origin": "clinic" if name in custom else "built-in",
                            "specialty": t.specialty, "document LOINC": t.loinc, "sections": len(t.sections)}
                           for name, t in templates.items()]), hide_index=True, key="templates_table")
for file, problems in library.problems().items():
    st.error(f"**{file}** is left out until fixed:\n\n" + "\n".join(f"- {p.describe(file)}" for p in problems),
             icon=":material/error:")

names = list(templates)
default = library.default_for(viewer.name)
chosen_default = st.selectbox("Your default template", names, index=names.index(default), key="templates_default",
                              format_func=lambda n: templates[n].title)
if chosen_default != default:
    library.set_default(viewer.name, chosen_default)
    st.success(f"New encounters you start use the {templates[chosen_default].title} by default.")

shown = st.selectbox("Show a template", names, key="templates_show", format_func=lambda n: templates[n].title)
template = templates[shown]
if template.description:
    st.caption(template.description)
st.dataframe(pd.DataFrame([{"section": s.title, "key": s.key, "LOINC": s.loinc or "", "required": s.required,
                            "instructions": s.guidance} for s in template.sections]),
             hide_index=True, key="templates_sections")

st.divider()
st.subheader("A clinic template")
if not viewer.is_admin:
    st.info("Only an admin defines clinic templates.", icon=":material/lock:")
    st.stop()
st.caption("Start from any template, then rename it and change its sections. Rows are shown in order; a role "
           f"({', '.join(ROLES)}) tells the offline writer what goes in a section without a LOINC code. "
           f"Section titles hold up to {MAX_SECTION_TITLE} characters, instructions up to {MAX_INSTRUCTIONS}.")
base = templates[st.selectbox("Start from", names, key="templates_base", format_func=lambda n: templates[n].title)]
name = st.text_input("Name (lower case, digits, - or _)", key="templates_name", value=f"{base.name}_clinic")
title = st.text_input("Title", key="templates_title", value=f"{base.title} (clinic)", max_chars=MAX_TITLE)
specialty = st.text_input("Specialty", key="templates_specialty", value=base.specialty)
loinc = st.text_input("Document LOINC code", key="templates_loinc", value=base.loinc)
rows = pd.DataFrame([{"key": s.key, "title": s.title, "instructions": s.guidance, "loinc": s.loinc or "",
                      "role": s.role, "required": s.required} for s in base.sections], columns=COLUMNS)
edited = st.data_editor(rows, num_rows="dynamic", hide_index=True, key=f"templates_rows_{base.name}",
                        column_config={"title": st.column_config.TextColumn(max_chars=MAX_SECTION_TITLE),
                                       "instructions": st.column_config.TextColumn(max_chars=MAX_INSTRUCTIONS),
                                       "role": st.column_config.SelectboxColumn(options=["", *ROLES]),
                                       "required": st.column_config.CheckboxColumn()})

if st.button("Save clinic template", key="templates_save", type="primary", icon=":material/save:"):
    sections = sections_from_rows(edited.to_dict("records"))
    try:
        library.save_custom(NoteTemplate(name=name.strip(), title=title.strip(), sections=sections,
                                         loinc=loinc.strip(), specialty=specialty.strip()), by=viewer.name)
        st.success(f"Saved as {name.strip()!r}. It is offered on the New encounter, Live and Note pages.")
    except TemplateError as err:
        st.error("The template was not saved:\n\n" + "\n".join(f"- {p.message}" for p in err.problems))
    except ConfigurationError as err:
        st.error(str(err))

if custom:
    doomed = st.selectbox("Delete a clinic template", sorted(custom), key="templates_delete_pick")
    if st.button("Delete", key="templates_delete", icon=":material/delete:"):
        library.delete_custom(doomed)
        st.rerun()
