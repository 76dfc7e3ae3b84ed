"""The WSGI entry point that ``kansli serve`` hands to gunicorn."""
from service import create_app

app = create_app()
