from __future__ import annotations

app_name = "treatments"

urlpatterns: list = []
