"""Build hook: an editable install reads the data from the checkout instead of copying it.

The wheel carries ``resources/``, the soundfont and the weights inside the package
(``force-include`` in pyproject.toml); an editable install finds them in the checkout
(``smootify_player.data``), so copying them (36 MB) into the environment would only waste
space. Hatchling copies ``force-include`` into editable wheels unless a hook names what an
editable wheel carries instead: here, only the licence.
"""

from __future__ import annotations

from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class CustomBuildHook(BuildHookInterface):
    """Sets ``force_include_editable`` for editable builds of the wheel."""

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name == "wheel" and version == "editable":
            build_data["force_include_editable"] = {
                "LICENSE": "smootify_player-editable/LICENSE"}
