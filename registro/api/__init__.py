"""The wire: AWS JSON 1.1 framing, shape validation and serialization from botocore's model, errors."""
