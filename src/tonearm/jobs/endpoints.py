"""Routes for /api/v1/jobs (placeholder until the jobs package lands)."""

from fastapi import APIRouter

router = APIRouter(prefix="/api/v1/jobs", tags=["jobs"])
