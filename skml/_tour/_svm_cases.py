# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""The tour's "svm" family: skml.svm against sklearn.svm on embedded data.

Each estimator follows the same scikit-learn StandardScaler in a Pipeline, so the
two sides differ only in the SVM.
"""


def svm_cases():
    """SVC (rbf, poly), LinearSVC and SVR against scikit-learn's."""
    # Imported here: ``_cases`` imports this module while it is being built.
    import sklearn.svm as sk
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    import skml.svm as ours
    from skml._tour._cases import estimator_case

    def scaled(make):
        return lambda: make_pipeline(StandardScaler(), make())

    cases = []
    for data in ("digits", "wine"):
        cases.append(
            estimator_case(
                "svm",
                "StandardScaler + SVC(rbf)",
                data,
                scaled(lambda m=ours: m.SVC(kernel="rbf", C=10.0)),
                scaled(lambda m=sk: m.SVC(kernel="rbf", C=10.0)),
            )
        )
    cases.append(
        estimator_case(
            "svm",
            "StandardScaler + SVC(poly, degree=3)",
            "digits",
            scaled(lambda: ours.SVC(kernel="poly", degree=3, C=1.0)),
            scaled(lambda: sk.SVC(kernel="poly", degree=3, C=1.0)),
        )
    )
    for data in ("iris", "digits"):
        cases.append(
            estimator_case(
                "svm",
                "StandardScaler + LinearSVC",
                data,
                scaled(lambda: ours.LinearSVC(C=0.1, max_iter=2000)),
                scaled(lambda: sk.LinearSVC(C=0.1, max_iter=2000)),
            )
        )
    return cases
