"""Pure numerics for capacity planning: numpy / scipy.sparse / highspy, no other cofab import."""

from cofab.planning.engine.model import PlanningModel, Policy
from cofab.planning.engine.solve import Infeasibility, PlanResult, SolveEvent, solve_plan

__all__ = ["Infeasibility", "PlanResult", "PlanningModel", "Policy", "SolveEvent", "solve_plan"]
