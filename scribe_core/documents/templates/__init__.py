"""Note templates as data: the one repository of built-in and clinic templates with LOINC codes (library.py)."""

from .library import TemplateRepository, builtin_template, builtin_templates, template_to_toml
from .validate import TemplateError, TemplateProblem, check_template, load_template, parse_template

__all__ = ["TemplateError", "TemplateProblem", "TemplateRepository", "builtin_template", "builtin_templates",
           "check_template", "load_template", "parse_template", "template_to_toml"]
