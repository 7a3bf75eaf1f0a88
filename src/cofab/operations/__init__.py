"""Operations with partners: orders, progress, shipments, inventory, KPIs, scorecards."""
