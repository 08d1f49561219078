"""What every settings module reads first: the checkout's folder, the environment (and a .env file beside it),
and whether this is development. A forgotten DEBUG must not open the site: unset means production."""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    env.read_env(str(BASE_DIR / ".env"))

DEBUG = env.bool("DEBUG", default=False)
