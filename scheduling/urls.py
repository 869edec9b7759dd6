from __future__ import annotations

app_name = "scheduling"

urlpatterns: list = []
