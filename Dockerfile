FROM python:3.11-slim

# MPLCONFIGDIR: matplotlib's font cache, somewhere the dustwatch user may write.
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 MPLCONFIGDIR=/tmp/matplotlib
WORKDIR /app
# A font with Thai glyphs for the bulletin charts (rendered on the server with matplotlib).
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-thai-tlwg \
    && rm -rf /var/lib/apt/lists/*
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
