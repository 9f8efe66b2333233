"""The lecture widgets, driven from Python: set controls, click buttons, check what is drawn.

Every check compares what a widget draws (the data behind its matplotlib artists)
with the library's own answer for the same settings, or with an independent
oracle (scipy.stats), and checks that the picture (the PNG in the Image widget)
changed. Bad settings must give a message, not an exception.
"""

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest
from IPython.display import display
from scipy import stats

import gmm_teach as gt

widgets = pytest.importorskip("ipywidgets")
W = gt.widgets


def mixture_pdf(x, pi, mu, sd):
    """Independent oracle: sum_k pi_k N(x | mu_k, sd_k^2) with scipy.stats; returns (G, K) and (G,)."""
    parts = np.stack([p * stats.norm.pdf(x, m, s) for p, m, s in zip(pi, mu, sd, strict=True)], axis=1)
    return parts, parts.sum(axis=1)


def descendants(box):
    for child in getattr(box, "children", ()):
        yield child
        yield from descendants(child)


def facecolors_rgb(collection):
    return np.asarray(collection.get_facecolors())[:, :3]


# ====================================================================== all widgets

FACTORIES = {
    "mixture_explorer": lambda: W.mixture_explorer(),
    "em_stepper": lambda: W.em_stepper(),
    "soft_kmeans_explorer": lambda: W.soft_kmeans_explorer(),
    "ellipse_explorer": lambda: W.ellipse_explorer(),
    "choose_k": lambda: W.choose_k(n_init=1),
}


@pytest.mark.parametrize("name", FACTORIES)
def test_each_widget_is_one_displayable_box_with_a_picture_and_a_message(name, capsys):
    n_figures = len(plt.get_fignums())
    w = FACTORIES[name]()
    assert isinstance(w, widgets.VBox)
    assert "gt-widget" in w._dom_classes
    assert w.image in descendants(w) and w.message in w.children
    assert w.png.startswith(b"\x89PNG") and w.n_renders == 1
    assert w.message.value == ""
    # Drawn on its own Figure, never through pyplot: nothing stacks up in the notebook.
    assert len(plt.get_fignums()) == n_figures
    assert isinstance(w.figure, matplotlib.figure.Figure)
    out = capsys.readouterr()
    assert out.out == "" and out.err == ""


@pytest.mark.parametrize("name", FACTORIES)
def test_every_slider_of_every_widget_redraws_in_place(name, capsys):
    w = FACTORIES[name]()
    for slider_name, slider in w.sliders.items():
        before, renders = w.png, w.n_renders
        if isinstance(slider, widgets.IntSlider):
            slider.value = slider.max if slider.value != slider.max else slider.min
        elif isinstance(slider, widgets.FloatLogSlider):
            slider.value = 10 ** (slider.min + 0.85 * (slider.max - slider.min))
        else:  # inside the range: at an end some are degenerate (sd 0, rho 1), tested below
            slider.value = slider.min + 0.85 * (slider.max - slider.min)
        assert w.message.value == "", (slider_name, w.message.value)
        assert w.n_renders == renders + 1, slider_name
        assert w.png != before, slider_name
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("name", FACTORIES)
def test_without_a_kernel_the_cell_shows_a_picture_with_alt_text_and_a_sentence(name):
    """The saved output carries the widget view, a PNG with alt text and a sentence (not the repr), then a
    visible caption (Markdown), as every other figure of the course."""
    import base64

    from IPython.core.interactiveshell import InteractiveShell
    from IPython.utils.capture import capture_output

    w = FACTORIES[name]()
    InteractiveShell.instance()  # display() publishes through the shell
    with capture_output() as shown:
        display(w)
    assert len(shown.outputs) == 2, "the widget and its caption"
    data, metadata = shown.outputs[0].data, shown.outputs[0].metadata
    caption = shown.outputs[1].data
    assert set(caption) >= {"text/markdown"} and caption["text/markdown"].startswith("*" + w.CAPTION)
    assert {"application/vnd.jupyter.widget-view+json", "image/png", "text/plain"} <= set(data)
    assert base64.b64decode(data["image/png"]) == w.png
    sentence = data["text/plain"]
    assert "Explorer(" not in sentence and "children=" not in sentence and sentence.endswith(".")
    assert metadata["image/png"]["alt"] == sentence == w.summary()
    assert sentence == FACTORIES[name]().summary()  # deterministic: nbval compares it
    # The readout beside the picture is a polite live region, updated on every change.
    assert w.status.value.startswith("<div role='status' aria-live='polite'>")
    slider = next(iter(w.sliders.values()))
    before = w.status.value
    slider.value = slider.min + 0.85 * (slider.max - slider.min) if not isinstance(
        slider, widgets.FloatLogSlider) else 10 ** (slider.min + 0.85 * (slider.max - slider.min))
    assert w.status.value != before and w.status.value.startswith("<div role='status'")
    assert w.summary() != sentence


def test_every_control_has_a_description_and_every_button_words():
    """What a screen reader can announce from the Python side: no control without a description."""
    for name, factory in FACTORIES.items():
        w = factory()
        for key, control in w.controls.items():
            assert control.description.strip(), (name, key)
        for key, button in w.buttons.items():
            assert button.description.strip(), (name, key)


def test_importing_the_widgets_keeps_matplotlib_global_state():
    rc = dict(matplotlib.rcParams)
    W.ellipse_explorer()
    assert dict(matplotlib.rcParams) == rc


# ====================================================================== 1. mixture explorer


@pytest.fixture(scope="module")
def galton():
    return gt.datasets.load_galton().X


def test_mixture_explorer_draws_the_density_of_its_slider_values(galton):
    w = W.mixture_explorer()
    c = w.controls
    c["weight1"].value, c["weight2"].value = 0.6, 0.2  # relative: pi = (0.75, 0.25)
    c["mean1"].value, c["mean2"].value = 64.0, 70.0
    c["sd1"].value, c["sd2"].value = 2.5, 2.0
    parts, mixture = mixture_pdf(w.grid, [0.75, 0.25], [64.0, 70.0], [2.5, 2.0])
    np.testing.assert_allclose(w.mixture_line.get_ydata(), mixture, rtol=1e-10)
    np.testing.assert_allclose(w.mixture_line.get_xdata(), w.grid)
    for k in range(2):
        np.testing.assert_allclose(w.component_lines[k].get_ydata(), parts[:, k], rtol=1e-10)
    np.testing.assert_allclose(w.params.pi, [0.75, 0.25])
    expected_ll = np.sum(np.log(mixture_pdf(galton[:, 0], [0.75, 0.25], [64.0, 70.0], [2.5, 2.0])[1]))
    assert w.log_likelihood == pytest.approx(expected_ll, rel=1e-10)
    assert w.log_likelihood == pytest.approx(gt.log_likelihood(galton, w.params))
    assert f"{expected_ll:,.1f}" in w.ax.get_title()


def test_mixture_explorer_each_slider_changes_the_picture_and_the_likelihood():
    w = W.mixture_explorer()
    for name in ("weight1", "mean2", "sd1"):
        before, ll = w.png, w.log_likelihood
        w.controls[name].value = w.controls[name].value + 5 * w.controls[name].step
        assert w.png != before and w.log_likelihood != ll, name


def test_mixture_explorer_shows_em_answer_beside_the_guess(galton):
    w = W.mixture_explorer(seed=0)
    guess_y = w.mixture_line.get_ydata().copy()
    before = w.png
    assert len(w.em_mixture_line.get_xdata()) == 0
    w.buttons["em"].click()
    fit = gt.fit_gmm(galton, 2, seed=0, tol=W.EM_TOL, max_iter=1000)
    np.testing.assert_allclose(w.em_mixture_line.get_ydata(), np.exp(gt.log_mixture_density(w.grid, fit.params)))
    np.testing.assert_allclose(w.em_component_lines[1].get_ydata(),
                               np.exp(gt.log_joint(w.grid, fit.params))[:, 1])
    np.testing.assert_allclose(w.mixture_line.get_ydata(), guess_y)  # the guess stays, EM is beside it
    assert w.png != before
    assert "Hide" in w.buttons["em"].description
    assert f"{fit.log_likelihoods[-1]:,.1f}" in w.ax.get_title()
    assert "EM's answer" in w.status.value
    # EM beats any guess the learner can make... at least the default one
    assert fit.log_likelihoods[-1] > w.log_likelihood
    w.buttons["em"].click()
    assert len(w.em_mixture_line.get_xdata()) == 0 and "Show" in w.buttons["em"].description


def test_mixture_explorer_sd_zero_gives_a_message_and_keeps_the_picture():
    w = W.mixture_explorer()
    picture, params = w.png, w.params
    assert w.message.layout.display == "none"  # no empty line while all is well
    w.controls["sd1"].value = 0.0  # must not raise
    assert "σ1 = 0" in w.message.value and "standard deviation" in w.message.value
    assert w.message.layout.display != "none"
    assert w.png == picture and w.params is params
    w.buttons["em"].click()  # EM's answer is drawn, and the message about sd 1 stays
    assert "σ1 = 0" in w.message.value and len(w.em_mixture_line.get_xdata()) > 0
    w.controls["sd1"].value = 2.0
    assert w.message.value == "" and w.png != picture and w.message.layout.display == "none"


def test_other_libraries_deprecation_notices_never_reach_the_learner():
    """matplotlib 3.7 (our floor) under a newer pyparsing emits DeprecationWarnings on every draw."""
    import warnings

    w = W.mixture_explorer()

    def noisy():
        warnings.warn("'parseString' deprecated", DeprecationWarning, stacklevel=1)
        warnings.warn("a component has collapsed", UserWarning, stacklevel=1)

    w._guarded(noisy)
    assert "collapsed" in w.message.value and "parseString" not in w.message.value


def test_mixture_explorer_weights_of_zero():
    w = W.mixture_explorer()
    w.controls["weight1"].value = 0.0  # one weight 0 is a valid mixture: that component vanishes
    assert w.message.value == ""
    np.testing.assert_allclose(w.params.pi, [0.0, 1.0])
    assert np.all(w.component_lines[0].get_ydata() == 0)
    picture = w.png
    w.controls["weight2"].value = 0.0  # all weights 0 is not
    assert "all weights are 0" in w.message.value and w.png == picture
    w.controls["weight1"].value = 0.5
    assert w.message.value == ""


def test_mixture_explorer_takes_other_data_and_k():
    x = gt.datasets.heights(n=300, seed=1).X[:, 0]
    w = W.mixture_explorer(x, K=3)
    assert len(w.sliders) == 9 and w.params.K == 3
    with pytest.raises(ValueError, match="one feature"):
        W.mixture_explorer(np.zeros((10, 2)))


# ====================================================================== 2. EM stepper


@pytest.fixture(scope="module")
def blobs():
    return W.load_2d("blobs")[0]


def test_em_stepper_starts_from_the_library_initialisation(blobs):
    w = W.em_stepper(K=3, seed=0)
    p0 = gt.initial_params(blobs, 3, "kmeans++", "full", 1e-6, seed=0)
    assert w.params == p0 and w.gamma is None and w.frame.kind == "start"
    np.testing.assert_array_equal(w.scatter.get_offsets(), blobs)
    for k, row in enumerate(w.ellipses.geometry()):
        g = gt.plotting.covariance_ellipse(p0.mu[k], p0.Sigma[k], 1.0)
        (cx, cy), width, height, angle = row[0]
        np.testing.assert_allclose([cx, cy, width, height, angle], [*g.center, g.width, g.height, g.angle])


def test_em_stepper_e_then_m_are_one_library_step_each(blobs):
    w = W.em_stepper(K=3, seed=0)
    p0, picture = w.params, w.png
    w.buttons["step"].click()  # E-step
    gamma, ll = gt.e_step(blobs, p0)
    assert w.frame.kind == "E" and w.params is p0
    np.testing.assert_array_equal(w.gamma, gamma)
    np.testing.assert_allclose(facecolors_rgb(w.scatter), gt.plotting.responsibility_colors(gamma))
    assert w.log_likelihoods[-1] == ll and w.png != picture
    np.testing.assert_allclose(w.ll_line.get_ydata(), [ll / len(blobs)])
    picture = w.png
    w.buttons["step"].click()  # M-step
    p1 = gt.m_step(blobs, gamma, "full", 1e-6)
    assert w.frame.kind == "M" and w.params == p1 and w.png != picture
    assert w.frame.previous is p0  # drawn faintly: where the Gaussians were
    assert len(w.ghosts.patches) == 3
    np.testing.assert_allclose(w.ellipses.means.get_xdata(), p1.mu[:, 0])
    g = gt.plotting.covariance_ellipse(p1.mu[2], p1.Sigma[2], 2.0)
    (cx, cy), width, height, angle = w.ellipses.geometry()[2][1]
    np.testing.assert_allclose([cx, cy, width, height, angle], [*g.center, g.width, g.height, g.angle])


@pytest.mark.parametrize("covariance_type", ["full", "tied", "diag", "spherical"])
def test_em_stepper_after_t_iterations_equals_fit_gmm(covariance_type):
    w = W.em_stepper(K=3, dataset="Old Faithful", covariance_type=covariance_type, init="kmeans", seed=3)
    T = 6
    for _ in range(2 * T):
        w.buttons["step"].click()
    fit = gt.fit_gmm(w.X, 3, init="kmeans", covariance_type=covariance_type, max_iter=T, tol=0, seed=3)
    assert w.params == fit.history[T]
    np.testing.assert_allclose(w.log_likelihoods, fit.log_likelihoods[:T])


def test_em_stepper_play_reset_and_log_likelihood_never_falls():
    w = W.em_stepper(K=3, seed=1)
    start = w.png
    w.play.playing = True
    w.play.value = 40  # what the front-end's Play does, one value at a time or in a jump
    assert len(w.frames) == 41
    lls = w.log_likelihoods
    assert np.all(np.diff(lls) >= -1e-8 * np.abs(lls[1:]))
    np.testing.assert_allclose(w.ll_line.get_ydata(), lls / len(w.X))
    w.buttons["reset"].click()
    assert w.play.value == 0 and not w.play.playing and w.frame.kind == "start"
    assert w.png == start  # the same picture as at the start, redrawn
    assert len(w.frames) == 41  # the half-steps are kept, so stepping again is instant


def test_em_stepper_pauses_when_converged():
    w = W.em_stepper(K=3, seed=0)
    w.play.playing = True
    while w.play.playing and w.play.value < w.play.max:
        w.play.value += 1
    assert w.converged and "converged" in w.status.value
    assert w.play.value < 100


def test_em_stepper_settings_restart_from_a_new_start():
    w = W.em_stepper()
    w.buttons["step"].click()
    w.controls["dataset"].value = "penguins"
    assert w.X.shape == (342, 2) and w.play.value == 0 and len(w.frames) == 1
    np.testing.assert_allclose(w.X.mean(axis=0), 0, atol=1e-12)  # standardised
    np.testing.assert_allclose(w.X.std(axis=0), 1)
    w.controls["K"].value = 5
    assert w.params.K == 5 and len(w.ellipses.patches) == 5
    w.controls["covariance_type"].value = "diag"
    w.buttons["step"].click()
    w.buttons["step"].click()
    assert w.params.covariance_type == "diag"
    assert np.all(w.params.Sigma[:, 0, 1] == 0)
    w.controls["init"].value = "random"
    w.controls["seed"].value = 7
    assert w.params == gt.initial_params(w.X, 5, "random", "diag", 1e-6, seed=7)
    w.controls["K"].value = 2
    assert len(w.ellipses.patches) == 2 and w.message.value == ""


def test_em_stepper_degenerate_settings_show_a_message():
    rng = np.random.default_rng(0)
    X = np.vstack([rng.normal(size=(50, 2)), np.tile([8.0, 8.0], (20, 1))])  # 20 copies of one point
    w = W.em_stepper(X, K=1, reg_covar=0.0)
    assert w.controls["dataset"].value == "yours"
    picture = w.png
    w.controls["K"].value = 2  # a component on the 20 copies: singular covariance
    assert "collapsed" in w.message.value or "positive definite" in w.message.value
    assert w.png == picture


# ====================================================================== 3. soft k-means


def test_soft_kmeans_explorer_shows_the_library_responsibilities(blobs):
    w = W.soft_kmeans_explorer(K=3, beta=0.5, seed=0)
    w.controls["beta"].value = 0.2
    soft = gt.soft_kmeans(blobs, 3, 0.2, seed=0)
    hard = gt.kmeans(blobs, 3, seed=0)
    np.testing.assert_allclose(facecolors_rgb(w.soft_scatter),
                               gt.plotting.responsibility_colors(soft.responsibilities))
    np.testing.assert_allclose(w.soft_centers.get_offsets(), soft.centers)
    np.testing.assert_allclose(facecolors_rgb(w.hard_scatter),
                               gt.plotting.responsibility_colors(np.eye(3)[hard.labels]))
    np.testing.assert_allclose(w.hard_centers.get_offsets(), hard.centers)
    # the circles: 1 sigma of the equivalent Gaussian, beta = 1 / (2 sigma^2)
    (_, width, height, _) = w.circles.geometry()[0][0]
    assert width == pytest.approx(2 * np.sqrt(1 / (2 * 0.2))) and height == pytest.approx(width)


def test_soft_kmeans_from_soft_to_hard():
    w = W.soft_kmeans_explorer(K=3)
    beta = w.controls["beta"]
    beta.value = 10**beta.min  # very soft: every point shared, the centres merge
    assert np.ptp(w.soft.centers, axis=0).max() < 0.05
    assert w.soft.responsibilities.max(axis=1).mean() < 0.4
    soft_picture = w.png
    beta.value = 10**beta.max  # very stiff: hard k-means
    assert w.soft.responsibilities.max(axis=1).mean() > 0.99
    np.testing.assert_array_equal(w.soft.labels, w.hard.labels)
    assert w.png != soft_picture
    assert "100.0%" in w.status.value
    w.controls["K"].value = 5
    assert len(w.soft.centers) == 5 and len(w.hard_centers.get_offsets()) == 5


# ====================================================================== 4. ellipse explorer


def test_ellipse_explorer_draws_the_library_ellipses_and_true_eigenvectors():
    w = W.ellipse_explorer()
    c = w.controls
    c["sigma_x"].value, c["sigma_y"].value, c["rho"].value = 2.0, 0.5, -0.7
    Sigma = np.array([[4.0, -0.7], [-0.7, 0.25]])
    np.testing.assert_allclose(w.Sigma, Sigma)
    for k, patch in zip((1, 2, 3), w.ellipses, strict=True):
        g = gt.plotting.covariance_ellipse([0, 0], Sigma, k)
        np.testing.assert_allclose([patch.get_width(), patch.get_height(), patch.get_angle()],
                                   [g.width, g.height, g.angle])
        # geometry, not eigh: the end of each drawn axis has Mahalanobis distance k
        theta = np.radians(patch.get_angle())
        for half, direction in ((patch.get_width() / 2, theta), (patch.get_height() / 2, theta + np.pi / 2)):
            point = half * np.array([np.cos(direction), np.sin(direction)])
            assert point @ np.linalg.solve(Sigma, point) == pytest.approx(k**2)
    lam, V = w.eigen
    np.testing.assert_allclose(np.sort(lam), np.linalg.eigvalsh(Sigma))
    for i in range(2):
        np.testing.assert_allclose(Sigma @ V[:, i], lam[i] * V[:, i], atol=1e-12)
        tip = w.arrows[i].get_xy()  # the arrow from the mean to sqrt(lambda_i) v_i
        assert np.max(np.linalg.norm(tip, axis=1)) == pytest.approx(np.sqrt(lam[i]), rel=1e-6)


def test_ellipse_explorer_masses():
    w = W.ellipse_explorer()
    np.testing.assert_allclose(w.mass, 1 - np.exp(-np.array([1, 2, 3]) ** 2 / 2))
    assert "39.3%" in w.status.value and "68.3%" in w.status.value
    np.testing.assert_allclose(w.sample_fraction, w.mass, atol=0.03)
    labels = [p.get_label() for p in w.ellipses]
    assert labels[0].endswith("39.3%") and labels[1].endswith("86.5%") and labels[2].endswith("98.9%")


@pytest.mark.parametrize("setting", [("rho", 1.0), ("rho", -1.0), ("sigma_x", 0.0), ("sigma_y", 0.0)])
def test_ellipse_explorer_singular_sigma_gives_a_message(setting):
    w = W.ellipse_explorer()
    picture = w.png
    name, value = setting
    w.controls[name].value = value
    assert "not positive definite" in w.message.value
    assert w.png == picture
    w.controls[name].value = 0.3
    assert w.message.value == "" and w.png != picture


# ====================================================================== 5. choosing K


@pytest.fixture(scope="module")
def faithful_choice():
    return W.choose_k(n_init=2)


def test_choose_k_scores_each_fit_with_the_library(faithful_choice):
    w = faithful_choice
    for K in range(1, w.K_max + 1):
        assert w.bics[K - 1] == pytest.approx(gt.bic(w.X, w.fits[K].params))
        assert w.aics[K - 1] == pytest.approx(gt.aic(w.X, w.fits[K].params))
    np.testing.assert_allclose(w.bic_line.get_ydata(), w.bics)
    np.testing.assert_allclose(w.aic_line.get_ydata(), w.aics)
    assert w.best_bic_K == 2  # Old Faithful, standardised: the lesson's answer
    assert w.best_aic_K >= w.best_bic_K  # AIC's price per parameter is lower


def test_choose_k_slider_shows_that_fit_and_marks_k(faithful_choice):
    w = faithful_choice
    before = w.png
    w.controls["K"].value = 4
    assert list(w.current_line.get_xdata()) == [4, 4]
    assert w.params == w.fits[4].params and len(w.ellipses.patches) == 4
    np.testing.assert_allclose(facecolors_rgb(w.scatter), gt.plotting.responsibility_colors(w.fits[4].gamma))
    assert w.png != before
    assert "K = 4" in w.fit_ax.get_title()
    w.controls["K"].value = 2


def test_choose_k_refits_for_another_covariance_type():
    w = W.choose_k(K_max=4, n_init=1)
    full_bics = w.bics.copy()
    w.controls["covariance_type"].value = "spherical"
    assert all(f.params.covariance_type == "spherical" for f in w.fits.values())
    assert not np.allclose(w.bics, full_bics)
    P = gt.n_parameters(2, 2, "spherical")
    assert f"{P} parameters" in w.fit_ax.get_title()


def test_choose_k_one_feature_draws_densities(galton):
    w = W.choose_k(galton, K_max=4, n_init=1)
    w.controls["K"].value = 3
    p = w.fits[3].params
    np.testing.assert_allclose(w.mixture_line.get_ydata(), np.exp(gt.log_mixture_density(w.grid, p)))
    assert w.best_bic_K == 2  # Galton's heights: BIC picks two components


# ====================================================================== redrawing only what moves


def _interactions(w):
    """A few control changes per widget, including ones that change axis labels, limits or legends."""
    if isinstance(w, W.MixtureExplorer):
        return [lambda: setattr(w.controls["mean1"], "value", 62.0), w.buttons["em"].click,
                lambda: setattr(w.controls["sd2"], "value", 3.0), w.buttons["em"].click]
    if isinstance(w, W.EMStepper):
        return [w.buttons["step"].click, w.buttons["step"].click, w.buttons["step"].click,
                lambda: setattr(w.controls["dataset"], "value", "Old Faithful"), w.buttons["step"].click,
                lambda: setattr(w.controls["K"], "value", 2), w.buttons["step"].click]
    if isinstance(w, W.ChooseK):
        return [lambda: setattr(w.controls["K"], "value", 3),
                lambda: setattr(w.controls["covariance_type"], "value", "diag")]
    slider = next(iter(w.sliders.values()))
    return [lambda: setattr(slider, "value", slider.min + 0.6 * (slider.max - slider.min))]


@pytest.mark.parametrize("name", FACTORIES)
def test_the_picture_after_updates_equals_a_full_redraw(name):
    """Updates redraw only the moving artists over a kept background; that must never leave stale pixels."""
    w = FACTORIES[name]()
    for interact in _interactions(w):
        interact()
        assert w.message.value == ""
        shown = w.png
        w.picture.invalidate()
        w.picture.render()
        assert w.png == shown


@pytest.mark.parametrize("name", FACTORIES)
def test_every_slider_has_a_named_number_box_and_the_picture_a_name(name):
    """ipywidgets 8.1 leaves the slider handle unnamed: each slider has a box with its description,
    bound both ways; the picture's tooltip (its <img> title) is the static fallback's sentence."""
    w = FACTORIES[name]()
    assert set(w.number_boxes) == set(w.sliders)
    for key, slider in w.sliders.items():
        box = w.number_boxes[key]
        assert box.description == slider.description and not slider.readout
        assert box.value == pytest.approx(slider.value, rel=0.01) and box.max > box.min
    assert w.image.tooltip == w.summary()
    key, slider = next(iter(w.sliders.items()))
    target = w.number_boxes[key].max
    w.number_boxes[key].value = target  # typed into the box (kernel side; int boxes are linked in the browser)
    if not isinstance(slider, widgets.IntSlider):
        assert slider.value == pytest.approx(target)
    assert w.image.tooltip == w.summary() and w.message.value == ""


def test_em_stepper_play_toggle_is_named_and_follows_play():
    w = W.em_stepper(K=3, seed=0)
    assert w.run.description == "Play" and w.play.layout.display == "none"
    w.play.playing = True  # what the browser's jslink does when the toggle is pressed
    assert w.run.value and w.run.description == "Pause" and w.run.icon == "pause"
    w.buttons["reset"].click()
    assert not w.run.value and w.run.description == "Play"
