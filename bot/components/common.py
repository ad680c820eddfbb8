"""What the assistant's own graph components share: how Rasa creates them.

Rasa creates a component with the model's storage, the component's resource in it and its
node in the graph; each component takes from that `Placement` what it needs (`built`).
"""

from __future__ import annotations

from abc import abstractmethod
from dataclasses import dataclass
from typing import Any, Self

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage


@dataclass(frozen=True)
class Placement:
    """Where Rasa put a component: the model's storage, its resource there, its graph node."""

    model_storage: ModelStorage
    resource: Resource
    execution_context: ExecutionContext


class Component(GraphComponent):
    """One of the assistant's own components, built from its config and its placement."""

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> Self:
        return cls.built(config, Placement(model_storage, resource, execution_context))

    @classmethod
    @abstractmethod
    def built(cls, config: dict[str, Any], placement: Placement) -> Self:
        """The component, from its config and what it needs of its placement."""
