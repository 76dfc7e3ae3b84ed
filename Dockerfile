FROM python:3.11-slim-bookworm
# What the service itself needs (scripts/install-system-deps.sh lists these plus the browser-test ones):
# LibreOffice and fonts (Word → PDF/A), poppler-utils (page previews), Ghostscript (PDF/A of uploads),
# OCRmyPDF with Swedish Tesseract (scans), and Debian's python3-uno for the resident LibreOffice.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libreoffice-writer-nogui fonts-liberation2 poppler-utils \
      ghostscript ocrmypdf tesseract-ocr-swe python3-uno python3-venv \
 && rm -rf /var/lib/apt/lists/*
# unoserver must run under Debian's python3, the one with the uno module (as `make office` does).
RUN /usr/bin/python3 -m venv --system-site-packages /opt/office \
 && /opt/office/bin/pip install --no-cache-dir 'unoserver>=3.7,<4'
WORKDIR /app
COPY pyproject.toml README.md ./
COPY kansli kansli
COPY service service
COPY workers workers
COPY templates templates
RUN pip install --no-cache-dir -e .
ENV KANSLI_DATA_DIR=/data HOST=0.0.0.0 PORT=5000 KANSLI_UNOSERVER=/opt/office/bin/unoserver
VOLUME /data
EXPOSE 5000
CMD ["kansli", "serve"]
