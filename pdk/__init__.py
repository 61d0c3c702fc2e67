"""SKY130 process data: layers, design rules by rule id, device models and corners."""
