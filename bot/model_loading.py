"""Loading the trained DIET classifier for prediction without Rasa's one training step.

Rasa 3.6 loads a TensorFlow model (`RasaModel.load`) by compiling it and fitting it on one
example, only so that its layers make their weights, then reads the trained weights over
them. Fitting traces the whole training graph (losses, gradients, the entity CRF's loss): on
Frontdoor's model that took 22 of the 28 s of loading and left about 470 MB of graph held in
the Rasa server for as long as it runs.

Here the layers make their weights by predicting once, eagerly, on the example (nothing is
traced); the labels' embeddings that prediction made from the untrained weights are marked to
be made again, the trained weights are read, and Rasa's own first prediction then traces the
prediction step as it always does. The optimiser's saved
state is not read: a model loaded to predict never trains. Fine-tuning (`finetune_mode`) and
every other model class keep Rasa's own way. tests/test_model_loading.py checks that the
model predicts exactly as Rasa's own loading makes it.
"""

from __future__ import annotations

from typing import Any

from rasa.nlu.classifiers.diet_classifier import DIET
from rasa.utils import train_utils
from rasa.utils.tensorflow.constants import RUN_EAGERLY
from rasa.utils.tensorflow.model_data import RasaModelData
from rasa.utils.tensorflow.models import RasaModel

RASAS_LOAD = RasaModel.load.__func__  # type: ignore[attr-defined]


def first_batch(model_data: RasaModelData) -> Any:
    """The example's first batch, as Rasa's prediction feeds the model."""
    batches, _ = train_utils.create_data_generators(
        model_data=model_data, batch_sizes=1, epochs=1, shuffle=False
    )
    return next(iter(batches))[0]


def make_weights(model: DIET, example: RasaModelData) -> None:
    """Have every layer used in prediction make its weights, by predicting once; then forget
    the labels' embeddings that prediction made (they came from untrained weights)."""
    model._training = False
    model.predict_step(first_batch(example))  # eager: makes the weights, traces nothing
    model.prepared_for_prediction = False  # the labels' embeddings are made again when asked


def load(
    cls: type[RasaModel],
    model_file_name: str,
    model_data_example: RasaModelData,
    predict_data_example: RasaModelData | None = None,
    finetune_mode: bool = False,
    *args: Any,
    **kwargs: Any,
) -> RasaModel:
    """`RasaModel.load`, without the training step for a DIET model loaded to predict."""
    if cls is not DIET or finetune_mode or predict_data_example is None:
        return RASAS_LOAD(  # type: ignore[no-any-return]
            cls,
            model_file_name,
            model_data_example,
            predict_data_example,
            finetune_mode,
            *args,
            **kwargs,
        )
    model = cls(*args, **kwargs)
    model.compile(run_eagerly=kwargs.get("config", {}).get(RUN_EAGERLY))  # never trains
    make_weights(model, predict_data_example)
    model.load_weights(model_file_name).expect_partial()  # the optimiser's state is not read
    model.run_inference(predict_data_example)  # traces the prediction step, as Rasa does
    return model


def install() -> None:
    """Load DIET models this way in this process."""
    RasaModel.load = classmethod(load)  # type: ignore[method-assign,assignment]


def uninstall() -> None:
    """Rasa's own loading again."""
    RasaModel.load = classmethod(RASAS_LOAD)  # type: ignore[method-assign,assignment]
