"""The API's OpenAPI 3.1 document (made by flask-openapi3 from the views' pydantic models) and
a page that shows it with Swagger UI (vendored in static/vendor/swagger-ui/). No login needed.

One document describes both versions; each version's address serves it."""

from flask import Blueprint, current_app, jsonify, render_template

bp = Blueprint("api_docs", __name__, url_prefix="/api")


@bp.get("/v2/openapi.json")
@bp.get("/v1/openapi.json")  # added first (the lower decorator): the one url_for builds
def openapi_json():
    return jsonify(current_app.api_doc)


@bp.get("/v2/docs")
@bp.get("/v1/docs")
def docs():
    return render_template("api/docs.html")
