app_name = "cyclekit"

urlpatterns: list = []
