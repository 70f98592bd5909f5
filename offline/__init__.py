"""Offline engine: runs the Pulumi program under mocks and returns its resource graph (no cloud, no CLI)."""

from offline.engine import ProgramFailedError, run
from offline.graph import Graph, Resource, ResourceOptions
from offline.stackfiles import REMOVE, StackFileError

__all__ = ["REMOVE", "Graph", "ProgramFailedError", "Resource", "ResourceOptions", "StackFileError", "run"]
