app_name = "mobilisation"

urlpatterns: list = []
