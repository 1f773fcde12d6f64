"""``glassnet explain MODEL_FILE``: a saved model (``.keras``, from glassnet or Keras) as the math
it computes: its summary, then each layer's formula with its shapes, the cost J of its compiled
loss and the update rule of its compiled optimizer."""


def add_arguments(parser):
    """Declare ``glassnet explain``'s options on ``parser``; the command runs :func:`run`."""
    parser.add_argument("model_file", metavar="MODEL_FILE", help="a .keras file saved by glassnet or Keras")
    parser.add_argument("--format", choices=("text", "markdown", "latex"), default="text",
                        help="how to write the formulas (text)")
    parser.set_defaults(run=run, parser=parser)


def run(args):
    """Load the file and print the model's summary and explanation; return the exit status (0)."""
    import warnings

    from glassnet.keras.models import load_model
    try:
        with warnings.catch_warnings():  # the optimizer's saved state is not what this command shows
            warnings.filterwarnings("ignore", message="Skipping variable loading for optimizer")
            model = load_model(args.model_file)
    except (OSError, ValueError, TypeError, ImportError) as error:
        message = str(error).splitlines()[0] if str(error) else type(error).__name__
        args.parser.error(f"cannot load '{args.model_file}': {message}")
    model.summary()
    print()
    print(model.explain(format=args.format))
    return 0
