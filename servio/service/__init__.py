"""servio as a service: the FastAPI app factory, settings and the uvicorn runner.

``create_app(settings)`` builds the app (nothing is created at import time);
``run(settings)`` serves it. Importing this package loads FastAPI; ``import
servio`` does not import it.
"""

from servio.service.app import create_app, run
from servio.service.settings import Settings, UnsafeSettingsError, load_settings

__all__ = ["Settings", "UnsafeSettingsError", "create_app", "load_settings", "run"]
