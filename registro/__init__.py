"""Registro: a self-hosted model registry that speaks the SageMaker Model Registry API."""

__version__ = "0.1.0"
