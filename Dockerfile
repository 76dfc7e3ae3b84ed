FROM python:3.11-slim-bookworm
RUN apt-get update \
 && apt-get install -y --no-install-recommends libreoffice-writer-nogui fonts-liberation2 \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml README.md ./
COPY kansli kansli
COPY service service
COPY workers workers
COPY templates templates
RUN pip install --no-cache-dir -e .
ENV KANSLI_DATA_DIR=/data HOST=0.0.0.0 PORT=5000
VOLUME /data
EXPOSE 5000
CMD ["kansli", "serve"]
