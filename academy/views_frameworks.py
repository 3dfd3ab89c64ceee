"""(being written)"""

from flask import Blueprint

bp = Blueprint("frameworks", __name__)
