"""The API's OpenAPI 3.1 document (made by flask-openapi3 from the views' pydantic models) and
a page that shows it with Swagger UI (vendored in static/vendor/swagger-ui/). No login needed."""

from flask import Blueprint, current_app, jsonify, render_template

bp = Blueprint("api_docs", __name__, url_prefix="/api/v1")


@bp.get("/openapi.json")
def openapi_json():
    return jsonify(current_app.api_doc)


@bp.get("/docs")
def docs():
    return render_template("api/docs.html")
