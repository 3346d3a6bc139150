"""Note templates as data: a library of built-in and clinic templates with LOINC codes (see library.py)."""

from .library import TemplateLibrary, builtin_templates, resolve_template, template_to_toml
from .validate import TemplateError, TemplateProblem, check_template, load_template, parse_template

__all__ = ["TemplateError", "TemplateLibrary", "TemplateProblem", "builtin_templates", "check_template",
           "load_template", "parse_template", "resolve_template", "template_to_toml"]
