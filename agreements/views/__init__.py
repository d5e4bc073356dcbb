"""Views of the agreements app: pictures.py (lägesbild, sources, problems, action
plans) and agreements.py (cooperation agreements). Each module keeps its URL
patterns beside its views; agreements/urls.py joins them."""
