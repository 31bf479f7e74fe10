"""The OpenAPI document and its UI (DESIGN §14: nothing sellerlink serves needs the internet).

Litestar's UI pages load Swagger UI from a CDN by default; here they load it from
sellerlink itself. The files come from the `flask-swagger-ui` distribution, used only as a
package of Swagger UI's built assets (Apache-2.0, version 5, which reads OpenAPI 3.1; the
`swagger-ui-bundle` package stops at 4.x, which does not). Nothing imports Flask: the
package's folder is found without importing it.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from litestar import Router
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin, SwaggerRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme, Tag
from litestar.static_files import create_static_files_router

ASSETS_PATH = "/schema-assets"
FAVICON = f"<link rel='icon' type='image/png' href='{ASSETS_PATH}/favicon-32x32.png'>"
_ASSETS_PACKAGE = "flask_swagger_ui"

API_VERSION = "1.0.0"
DESCRIPTION = """\
Connect Amazon Ads and Selling Partner API accounts and keep them healthy.

Every `/api/v1` request carries `Authorization: Bearer <jwt>`; `sub` is the user and the team
context is the `X-Team-Id` header or the token's `team` claim. A product's back end sends an
API key instead (`Authorization: Bearer slk_…`, see "api keys"): its team is fixed and each
route names the scope it needs (403 `SCOPE_MISSING` without it). Errors are RFC 9457
`application/problem+json` whose `type` is `/errors/<CODE>`; `GET /errors/<CODE>` explains
each one. Every response carries `X-Request-Id`.

To let a person connect their Amazon account without building the screens, create a connect
session (`POST /api/v1/connect-sessions`) and open its `url`: sellerlink's hosted flow.
"""

# Each tag of the document and what its operations are about, in the order the UI lists them.
_TAG_DESCRIPTIONS = {
    "teams": "Teams, their plan and their members' roles.",
    "api keys": "Keys for your product's back end (owner, admin).",
    "connecting": "Authorize Amazon Ads and SP-API: authorizations, their bounce through "
    "sellerlink (browser binding), Amazon's callbacks, and connect sessions for the "
    "hosted flow.",
    "amazon access": "Call Amazon through a connection: tokens and the proxy.",
    "connections": "The team's Amazon accounts and their health.",
    "profiles": "Amazon Ads profiles and the one in use.",
    "marketplaces": "Marketplaces: selection, setup, retry, history.",
    "listings": "Listing settings and inventory/price updates.",
    "records": "The seller's data: orders, sales and traffic, inventory, ad campaigns.",
    "webhooks": "Signed notifications of every change.",
    "errors": "The error catalogue, for people and programs.",
    "operations": "Liveness and readiness.",
}
TAGS = [Tag(name=name, description=text) for name, text in _TAG_DESCRIPTIONS.items()]


def assets_directory() -> Path:
    spec = importlib.util.find_spec(_ASSETS_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"{_ASSETS_PACKAGE} (Swagger UI's assets) is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "dist"


def openapi_config() -> OpenAPIConfig:
    return OpenAPIConfig(
        title="sellerlink",
        version=API_VERSION,
        description=DESCRIPTION,
        path="/schema",
        render_plugins=[
            SwaggerRenderPlugin(
                path=["/", "/swagger"],
                js_url=f"{ASSETS_PATH}/swagger-ui-bundle.js",
                css_url=f"{ASSETS_PATH}/swagger-ui.css",
                standalone_preset_js_url=f"{ASSETS_PATH}/swagger-ui-standalone-preset.js",
                favicon=FAVICON,
            ),
            JsonRenderPlugin(path="/openapi.json"),
        ],
        components=Components(
            security_schemes={
                "BearerToken": SecurityScheme(
                    type="http",
                    scheme="bearer",
                    bearer_format="JWT",
                    description="A JWT: `sellerlink dev token --user USER [--team TEAM]` in "
                    "development, your identity provider's in production.",
                )
            }
        ),
        tags=TAGS,
    )


def assets_router() -> Router:
    return create_static_files_router(
        path=ASSETS_PATH, directories=[assets_directory()], include_in_schema=False
    )
