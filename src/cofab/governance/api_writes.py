"""The governance API's many "one record, one body, one service call" routes, declared as rows.

Each route reads the record's id from its path and a JSON body, and hands both to the service
function whose keyword is the path's own parameter name (``meeting_id=…``, ``data=…``); the
answer is what the service returns, shaped by the row's response model. The signature FastAPI
reads is built from the row, so the OpenAPI names, the body models (and the isolation sweeps'
sample bodies, keyed by model name) stay those of the hand-written handlers this replaces.
``renamed`` lets one handler serve the user/site/contact paths of working hours (API and pages)
under each path's own parameter name.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter

from cofab.core.web import ApiActor, DbSession


@dataclass(frozen=True)
class WriteRoute:
    method: str
    path: str
    body: type[Any]
    response_model: Any
    call: Callable[..., Any]
    name: str
    status_code: int = 200


def _path_param(path: str) -> str:
    return path[path.rindex("{") + 1 : path.rindex("}")]


def add_write_routes(router: APIRouter, routes: list[WriteRoute]) -> None:
    for route in routes:
        param = _path_param(route.path)

        def endpoint(*, _route: WriteRoute = route, _param: str = param, **kwargs: Any) -> Any:
            return _route.call(
                kwargs["session"],
                actor=kwargs["actor"],
                data=kwargs["body"],
                **{_param: kwargs[_param]},
            )

        keyword = inspect.Parameter.KEYWORD_ONLY
        endpoint.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
            [
                inspect.Parameter("session", keyword, annotation=DbSession),
                inspect.Parameter("actor", keyword, annotation=ApiActor),
                inspect.Parameter(param, keyword, annotation=int),
                inspect.Parameter("body", keyword, annotation=route.body),
            ],
            return_annotation=Any,
        )
        endpoint.__name__ = route.name
        router.add_api_route(
            route.path,
            endpoint,
            methods=[route.method],
            response_model=route.response_model,
            status_code=route.status_code,
            name=route.name,
        )


def renamed(func: Callable[..., Any], new: str, old: str) -> Callable[..., Any]:
    """``func`` with its parameter ``old`` shown to FastAPI as ``new`` (a path's own name such
    as ``site_id``), so one handler serves several paths with their real parameter names."""
    signature = inspect.signature(func, eval_str=True)
    params = [p.replace(name=new) if p.name == old else p for p in signature.parameters.values()]

    def wrapper(**kwargs: Any) -> Any:
        kwargs[old] = kwargs.pop(new)
        return func(**kwargs)

    wrapper.__signature__ = signature.replace(parameters=params)  # type: ignore[attr-defined]
    wrapper.__name__ = func.__name__
    wrapper.__doc__ = func.__doc__
    return wrapper
