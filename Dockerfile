FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app
COPY pyproject.toml README.md alembic.ini ./
COPY core core
COPY api api
COPY ingest ingest
COPY alerts alerts
COPY cli cli
COPY migrations migrations
RUN pip install . && useradd --system --uid 10001 dustwatch
USER dustwatch
EXPOSE 8000
CMD ["dustwatch", "serve", "--no-migrate", "--host", "0.0.0.0"]
