from __future__ import annotations

app_name = "integration"

urlpatterns: list = []
