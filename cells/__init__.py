"""Layout and schematic generators for SKY130 devices and log-domain blocks."""
