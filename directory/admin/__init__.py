"""Wagtail admin for the directory: viewsets, edit panels, forms and choosers.

Registered from ``directory/wagtail_hooks.py``. Kept import-free on purpose: Django's admin
autodiscovery imports ``directory.admin`` at start-up, before Wagtail has searched its hooks.
"""
