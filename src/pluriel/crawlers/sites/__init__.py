"""Named spiders for sites with no structured data, one module per site.

A site spider is found by name: the module ``pluriel.crawlers.sites.<name>``
holds a :class:`~pluriel.crawlers.sites.base.SiteSpider` subclass whose
``name`` is ``<name>``. No registry to edit: ``pluriel source new`` writes
the module and the spider is there.
"""

from __future__ import annotations

import pkgutil
import re
from importlib import import_module

from pluriel.crawlers.sites.base import SiteSpider
from pluriel.errors import ConfigError

__all__ = ["SiteSpider", "site_spider", "site_spider_names"]

_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


def site_spider_names() -> list[str]:
    """Every site spider module shipped, sorted."""
    return sorted(
        module.name
        for module in pkgutil.iter_modules(__path__)
        if module.name != "base" and _NAME.match(module.name)
    )


def site_spider(name: str) -> type[SiteSpider]:
    """The spider class called ``name``; :class:`ConfigError` when there is none."""
    if not _NAME.match(name) or name == "base":
        raise ConfigError(f"{name!r} is not a site spider name (lower case, digits, underscores)")
    try:
        module = import_module(f"{__name__}.{name}")
    except ModuleNotFoundError:
        known = ", ".join(site_spider_names()) or "none"
        raise ConfigError(f"no site spider called {name!r} (known: {known})") from None
    for value in vars(module).values():
        if isinstance(value, type) and issubclass(value, SiteSpider) and value.name == name:
            return value
    raise ConfigError(f"module {module.__name__} has no SiteSpider subclass named {name!r}")
