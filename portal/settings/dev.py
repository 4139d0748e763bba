"""Local development: `make run`."""
import os

from .base import *  # noqa: F401,F403
from .base import env_bool, env_list

# DEBUG=0 runs the development server with production error pages and headers (browser tests).
DEBUG = env_bool("DEBUG", True)
SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-insecure-key-never-use-in-production")  # noqa: F405
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
